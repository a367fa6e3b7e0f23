/*
 * FreeBSD <sys/eventhandler.h>: handlers for the kernel's named events.
 * Of the kernel's events a run has process exit: process_exit handlers
 * are called when a process exits (at the end of the run), in its
 * context, before its files are closed, as exit1() does; and dev_clone:
 * open(2) of a name under /dev no node has calls its handlers on the
 * opening thread (sys/conf.h, clone(9); kernel_model/freebsd/clone.cc).
 * The others (shutdown_*, power_* ...) never happen in a run: their
 * handlers are registered, counted and deregistered, never called. A
 * driver's own events (EVENTHANDLER_DECLARE, _INVOKE) are called.
 * Handlers run by priority, lower first, equal ones in the order
 * registered (eventhandler_register_internal). A registration is kmem
 * (tag "eventhandler"): one a driver never deregisters is a leak, as on
 * FreeBSD it would outlive the module whose function it names.
 * EVENTHANDLER_DEFINE registers from a SYSINIT and never deregisters, as
 * on FreeBSD (meant for code that is never unloaded).
 */
#ifndef _KS_FREEBSD_SYS_EVENTHANDLER_H
#define _KS_FREEBSD_SYS_EVENTHANDLER_H

#include <sys/types.h>
#include <sys/kernel.h>

typedef struct ks_fb_eventhandler_entry *eventhandler_tag;

#define EVENTHANDLER_PRI_FIRST	0
#define EVENTHANDLER_PRI_ANY	10000
#define EVENTHANDLER_PRI_LAST	20000
#define SHUTDOWN_PRI_FIRST	EVENTHANDLER_PRI_FIRST
#define SHUTDOWN_PRI_DEFAULT	EVENTHANDLER_PRI_ANY
#define SHUTDOWN_PRI_LAST	EVENTHANDLER_PRI_LAST

struct proc;
struct ucred;
struct cdev;

#ifdef __cplusplus
extern "C" {
#endif
eventhandler_tag ks_fb_eventhandler_register(const char *, void *, void *, int);
/* wait: sleep until the event's calls in progress have ended. */
void ks_fb_eventhandler_deregister(const char *, eventhandler_tag, int wait);
/* The live handler after `prev` (NULL: the first) of event `name`. */
eventhandler_tag ks_fb_eventhandler_next(const char *name, eventhandler_tag prev);
/* +1 as an event's calls begin, -1 as they end (dead entries go then). */
void ks_fb_eventhandler_invoking(const char *name, int delta);
void *ks_fb_eventhandler_func(eventhandler_tag);
void *ks_fb_eventhandler_arg(eventhandler_tag);
#ifdef __cplusplus
}
#endif

#define EVENTHANDLER_DECLARE(name, type)				\
	typedef type ks_fb_eh_fn_##name
#define EVENTHANDLER_DEFINE(name, func, arg, priority)			\
	static eventhandler_tag name##_tag;				\
	static void name##_evh_init(void *ctx)				\
	{								\
		name##_tag = EVENTHANDLER_REGISTER(name, func, ctx,	\
		    priority);						\
	}								\
	SYSINIT(name##_evh_init, SI_SUB_CONFIGURE, SI_ORDER_ANY,	\
	    name##_evh_init, arg);					\
	struct __hack
#define EVENTHANDLER_REGISTER(name, func, arg, priority) \
	ks_fb_eventhandler_register(#name, (void *)(func), (arg), (priority))
#define EVENTHANDLER_DEREGISTER(name, tag) ks_fb_eventhandler_deregister(#name, (tag), 1)
#define EVENTHANDLER_DEREGISTER_NOWAIT(name, tag) \
	ks_fb_eventhandler_deregister(#name, (tag), 0)
#define EVENTHANDLER_INVOKE(name, ...) do {				\
	eventhandler_tag _ks_ep = NULL;					\
	ks_fb_eventhandler_invoking(#name, 1);				\
	while ((_ks_ep = ks_fb_eventhandler_next(#name, _ks_ep)) != NULL) \
		((ks_fb_eh_fn_##name)ks_fb_eventhandler_func(_ks_ep))(	\
		    ks_fb_eventhandler_arg(_ks_ep), ## __VA_ARGS__);	\
	ks_fb_eventhandler_invoking(#name, -1);				\
} while (0)

/* The kernel's events a driver may register for. */
typedef void (*exitlist_fn)(void *, struct proc *);
typedef void (*forklist_fn)(void *, struct proc *, struct proc *, int);
typedef void (*execlist_fn)(void *, struct proc *, void *);
typedef void (*shutdown_fn)(void *, int);
typedef void (*dev_clone_fn)(void *, struct ucred *, char *, int, struct cdev **);
EVENTHANDLER_DECLARE(process_exit, exitlist_fn);
EVENTHANDLER_DECLARE(process_fork, forklist_fn);
EVENTHANDLER_DECLARE(process_exec, execlist_fn);
EVENTHANDLER_DECLARE(shutdown_pre_sync, shutdown_fn);
EVENTHANDLER_DECLARE(shutdown_post_sync, shutdown_fn);
EVENTHANDLER_DECLARE(shutdown_final, shutdown_fn);
EVENTHANDLER_DECLARE(dev_clone, dev_clone_fn);

#endif
