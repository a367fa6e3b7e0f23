/*
 * illumos <sys/callb.h>: callbacks at checkpoint/resume (CPR), panic and
 * halt, and the CPR-safe region a kernel thread marks around its sleep.
 * No run suspends, panics or halts, so a registered callback is never
 * called. What stays is what a driver's thread depends on: the CALLB_CPR
 * macros assert the thread holds its lock, as on a DEBUG kernel, and
 * CALLB_CPR_EXIT releases it, which a thread's exit path relies on.
 */
#ifndef _KS_ILLUMOS_SYS_CALLB_H
#define _KS_ILLUMOS_SYS_CALLB_H

#include <sys/types.h>
#include <sys/ksynch.h>
#include <sys/debug.h>

typedef void *callb_id_t;

/* The callback classes (callb_add's class argument). */
#define CB_CL_CPR_DAEMON	0
#define CB_CL_CPR_VM		1
#define CB_CL_CPR_CALLOUT	2
#define CB_CL_CPR_OBP		3
#define CB_CL_CPR_FB		4
#define CB_CL_PANIC		5
#define CB_CL_CPR_RPC		6
#define CB_CL_CPR_PROMPRINTF	7
#define CB_CL_UADMIN		8
#define CB_CL_CPR_PM		9
#define CB_CL_HALT		10
#define CB_CL_CPR_DMA		11
#define CB_CL_CPR_POST_USER	12
#define CB_CL_UADMIN_PRE_VFS	13
#define CB_CL_MDBOOT		CB_CL_UADMIN
#define CB_CL_ENTER_DEBUGGER	14
#define CB_CL_CPR_POST_KERNEL	15
#define CB_CL_CPU_DEEP_IDLE	16
#define NCBCLASS		17

/* callb_add's callback code argument. */
#define CB_CODE_CPR_CHKPT	0
#define CB_CODE_CPR_RESUME	1

#define CALLB_CPR_START		1	/* a checkpoint is in progress */
#define CALLB_CPR_SAFE		2	/* the thread is in its safe region */
#define CALLB_CPR_ALWAYS_SAFE	4

typedef struct callb_cpr {
	kmutex_t	*cc_lockp;
	char		cc_events;
	callb_id_t	cc_id;
	kcondvar_t	cc_callb_cv;
	kcondvar_t	cc_stop_cv;
} callb_cpr_t;

/* Registrations are kept by no one: a run never suspends, panics or halts. */
static inline callb_id_t
callb_add(boolean_t (*func)(void *, int), void *arg, int cls, char *name)
{
	(void) func; (void) arg; (void) cls; (void) name;
	return ((callb_id_t)1);
}

static inline int
callb_delete(callb_id_t id)
{
	(void) id;
	return (0);
}

static inline boolean_t
callb_generic_cpr(void *arg, int code)
{
	(void) arg; (void) code;
	return (B_TRUE);
}

#define CALLB_CPR_INIT(cp, lockp, func, name) do {			\
	(cp)->cc_lockp = (lockp);					\
	(cp)->cc_events = 0;						\
	(cp)->cc_id = callb_add((func), (void *)(cp),			\
	    CB_CL_CPR_DAEMON, (name));					\
} while (0)

#define CALLB_CPR_SAFE_BEGIN(cp) do {					\
	ASSERT(MUTEX_HELD((cp)->cc_lockp));				\
	(cp)->cc_events |= CALLB_CPR_SAFE;				\
} while (0)

#define CALLB_CPR_SAFE_END(cp, lockp) do {				\
	ASSERT(MUTEX_HELD((cp)->cc_lockp));				\
	(cp)->cc_events &= ~CALLB_CPR_SAFE;				\
} while (0)

/* The thread's last act on its lock: illumos's macro drops it. */
#define CALLB_CPR_EXIT(cp) do {						\
	ASSERT(MUTEX_HELD((cp)->cc_lockp));				\
	(void) callb_delete((cp)->cc_id);				\
	mutex_exit((cp)->cc_lockp);					\
} while (0)

#define CALLB_CPR_INIT_SAFE(t, name) do { (void) (t); (void) (name); } while (0)

#endif
