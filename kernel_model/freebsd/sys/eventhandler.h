/*
 * FreeBSD <sys/eventhandler.h>: handlers for the kernel's named events
 * (shutdown_pre_sync, shutdown_final, power_suspend ...). A run of the
 * model has none of those events, so a handler is registered, counted and
 * deregistered but never called. A registration is kmem (tag
 * "eventhandler"): one a driver never deregisters is a leak, as on FreeBSD
 * it would outlive the module whose function it names.
 */
#ifndef _KS_FREEBSD_SYS_EVENTHANDLER_H
#define _KS_FREEBSD_SYS_EVENTHANDLER_H

#include <sys/types.h>

typedef struct ks_fb_eventhandler_entry *eventhandler_tag;

#define EVENTHANDLER_PRI_FIRST	0
#define EVENTHANDLER_PRI_ANY	10000
#define EVENTHANDLER_PRI_LAST	20000
#define SHUTDOWN_PRI_FIRST	EVENTHANDLER_PRI_FIRST
#define SHUTDOWN_PRI_DEFAULT	EVENTHANDLER_PRI_ANY
#define SHUTDOWN_PRI_LAST	EVENTHANDLER_PRI_LAST

#ifdef __cplusplus
extern "C" {
#endif
eventhandler_tag ks_fb_eventhandler_register(const char *, void *, void *, int);
void ks_fb_eventhandler_deregister(const char *, eventhandler_tag);
#ifdef __cplusplus
}
#endif

#define EVENTHANDLER_DECLARE(name, type)
#define EVENTHANDLER_DEFINE(name, func, arg, priority)
#define EVENTHANDLER_REGISTER(name, func, arg, priority) \
	ks_fb_eventhandler_register(#name, (void *)(func), (arg), (priority))
#define EVENTHANDLER_DEREGISTER(name, tag) ks_fb_eventhandler_deregister(#name, (tag))
#define EVENTHANDLER_INVOKE(name, ...) do { } while (0)

#endif
