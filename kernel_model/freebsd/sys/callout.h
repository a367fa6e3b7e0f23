/*
 * FreeBSD <sys/callout.h>: callout(9). A callout_reset schedules the
 * kernel model's callout (a thread in interrupt context at the deadline,
 * racing with everyone); ticks are hz = 1000, at least one. A callout made
 * with callout_init_mtx runs with its mutex held, taken before the
 * function (and released after, unless CALLOUT_RETURNUNLOCKED); a stop or
 * reset made with that mutex held therefore always wins: the function does
 * not run. callout_stop returns 1 when it cancelled a pending run, 0 when
 * the function is running and could not be stopped, -1 when nothing was
 * scheduled; callout_reset 1 when it cancelled a pending run, else 0.
 * callout_drain also waits for a running function to finish (deadlock if
 * the caller holds the callout's mutex, as on FreeBSD). Pending/active
 * flags as callout(9) describes them.
 * callout_async_drain(c, fn) never sleeps (kern_timeout.c _callout_stop_safe
 * with no CS_DRAIN, and softclock_call_cc, read 2026-12-07): a callout not
 * running is stopped as callout_stop does (1 if it was pending, -1 if
 * idle) and fn is not called; a running one (or one fired and waiting for
 * its mutex, which it will then get and run: the drain does not cancel it)
 * gives 0, and fn(arg) is called from the callout's context once the
 * function has returned and the mutex is released; a reset meanwhile
 * schedules nothing. A callout with a mutex must be stopped or
 * async-drained holding it (INVARIANTS' lock assertion; misuse here).
 */
#ifndef _KS_FREEBSD_SYS_CALLOUT_H
#define _KS_FREEBSD_SYS_CALLOUT_H

#include <sys/types.h>

struct mtx;
struct ks_fb_callout_run;	/* one scheduling of the callout (the personality's) */

struct callout {
	void (*c_func)(void *);
	void *c_arg;
	struct mtx *c_ks_mtx;		/* callout_init_mtx's lock, or NULL */
	int c_flags;			/* CALLOUT_PENDING, CALLOUT_ACTIVE, ... */
	int c_ks_lockflags;		/* CALLOUT_RETURNUNLOCKED */
	struct ks_fb_callout_run *c_ks_run;	/* the latest scheduling */
	const char *c_ks_name;		/* the function as the driver spells it */
};

#define CALLOUT_LOCAL_ALLOC	0x0001
#define CALLOUT_ACTIVE		0x0002
#define CALLOUT_PENDING		0x0004
#define CALLOUT_MPSAFE		0x0008
#define CALLOUT_RETURNUNLOCKED	0x0010
#define CALLOUT_SHAREDLOCK	0x0020

/* callout_reset_sbt flags */
#define C_DIRECT_EXEC		0x0001
#define C_PRELBITS		7
#define C_PRELRANGE		((1 << C_PRELBITS) - 1)
#define C_PREL(x)		(((x) + 1) << 1)
#define C_PRELGET(x)		(int)((((x) >> 1) & C_PRELRANGE) - 1)
#define C_HARDCLOCK		0x0100	/* from the last tick, at least one tick */
#define C_ABSOLUTE		0x0200	/* the time is an sbinuptime, not a delay */
#define C_PRECALC		0x0400	/* as C_ABSOLUTE for the waits */
#define C_CATCH			0x0800	/* pause_sbt: a signal ends it (a pause is not interruptible here) */

#ifdef __cplusplus
extern "C" {
#endif
void ks_fb_callout_init(struct callout *, struct mtx *, int);
int ks_fb_callout_reset(struct callout *, int, void (*)(void *), void *, const char *);
int ks_fb_callout_reset_sbt(struct callout *, int64_t, int64_t, void (*)(void *), void *,
    int, const char *);
int ks_fb_callout_stop(struct callout *, int drain);
int ks_fb_callout_async_drain(struct callout *, void (*)(void *), const char *, const char *,
    int);
#ifdef __cplusplus
}
#endif

#define callout_init(c, mpsafe) ks_fb_callout_init((c), (struct mtx *)0, 0)
#define callout_init_mtx(c, mtx, flags) ks_fb_callout_init((c), (mtx), (flags))
#define callout_reset(c, ticks, fn, arg) \
	ks_fb_callout_reset((c), (ticks), (fn), (arg), #fn)
#define callout_reset_curcpu(c, ticks, fn, arg) callout_reset((c), (ticks), (fn), (arg))
#define callout_reset_on(c, ticks, fn, arg, cpu) callout_reset((c), (ticks), (fn), (arg))
#define callout_reset_sbt(c, sbt, pr, fn, arg, flags) \
	ks_fb_callout_reset_sbt((c), (sbt), (pr), (fn), (arg), (flags), #fn)
#define callout_reset_sbt_curcpu(c, sbt, pr, fn, arg, flags) \
	callout_reset_sbt((c), (sbt), (pr), (fn), (arg), (flags))
#define callout_reset_sbt_on(c, sbt, pr, fn, arg, cpu, flags) \
	callout_reset_sbt((c), (sbt), (pr), (fn), (arg), (flags))
#define callout_schedule(c, ticks) \
	ks_fb_callout_reset((c), (ticks), (c)->c_func, (c)->c_arg, (c)->c_ks_name)
#define callout_schedule_curcpu(c, ticks) callout_schedule((c), (ticks))
#define callout_schedule_on(c, ticks, cpu) callout_schedule((c), (ticks))
#define callout_schedule_sbt(c, sbt, pr, flags) \
	ks_fb_callout_reset_sbt((c), (sbt), (pr), (c)->c_func, (c)->c_arg, (flags), \
	    (c)->c_ks_name)
#define callout_stop(c) ks_fb_callout_stop((c), 0)
#define callout_drain(c) ks_fb_callout_stop((c), 1)
#define callout_async_drain(c, fn) \
	ks_fb_callout_async_drain((c), (fn), #c, __FILE__, __LINE__)
#define callout_pending(c) (((c)->c_flags & CALLOUT_PENDING) != 0)
#define callout_active(c) (((c)->c_flags & CALLOUT_ACTIVE) != 0)
#define callout_deactivate(c) ((c)->c_flags &= ~CALLOUT_ACTIVE)

#endif
