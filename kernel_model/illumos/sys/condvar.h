/* illumos <sys/condvar.h> */
#ifndef _KS_ILLUMOS_SYS_CONDVAR_H
#define _KS_ILLUMOS_SYS_CONDVAR_H

#include <sys/ksynch.h>
#include <sys/mutex.h>
#include <sys/time_illumos.h>
#include <sys/callo.h>

typedef enum { TR_NANOSEC, TR_MICROSEC, TR_MILLISEC, TR_SEC, TR_CLOCK_TICK } time_res_t;

#ifdef __cplusplus
extern "C" {
#endif

extern void cv_init(kcondvar_t *, char *, kcv_type_t, void *);
extern void cv_destroy(kcondvar_t *);
extern void cv_wait(kcondvar_t *, kmutex_t *);
extern int cv_wait_sig(kcondvar_t *, kmutex_t *);
extern clock_t cv_timedwait(kcondvar_t *, kmutex_t *, clock_t);
extern clock_t cv_reltimedwait(kcondvar_t *, kmutex_t *, clock_t, time_res_t);
extern int cv_timedwait_sig(kcondvar_t *, kmutex_t *, clock_t);
extern int cv_reltimedwait_sig(kcondvar_t *, kmutex_t *, clock_t, time_res_t);
extern clock_t cv_timedwait_hires(kcondvar_t *, kmutex_t *, hrtime_t, hrtime_t, int);
extern clock_t cv_timedwait_sig_hires(kcondvar_t *, kmutex_t *, hrtime_t, hrtime_t, int);
extern int cv_wait_sig_swap(kcondvar_t *, kmutex_t *);
extern void cv_signal(kcondvar_t *);
extern void cv_broadcast(kcondvar_t *);

/* Return-value translations of the neutral wait (0, EINTR, ETIMEDOUT). */
extern int ks_il_cv_wait_sig(kcondvar_t *, kmutex_t *, const char *, const char *);
extern clock_t ks_il_cv_timedwait(kcondvar_t *, kmutex_t *, clock_t, int,
    const char *, const char *);
extern clock_t ks_il_cv_timedwait_hires(kcondvar_t *, kmutex_t *, hrtime_t, hrtime_t, int,
    int, const char *, const char *);

#ifdef __cplusplus
}
#endif

#define cv_init(cvp, name, type, arg) ks_cv_init(&(cvp)->_opaque, (name), #cvp)
#define cv_destroy(cvp) ks_cv_destroy(&(cvp)->_opaque, #cvp)
#define cv_wait(cvp, mp) \
	((void)ks_cv_wait(&(cvp)->_opaque, &(mp)->_opaque, 0, 0, #cvp, #mp))
#define cv_wait_sig(cvp, mp) ks_il_cv_wait_sig((cvp), (mp), #cvp, #mp)
#define cv_timedwait(cvp, mp, abst) ks_il_cv_timedwait((cvp), (mp), (abst), 0, #cvp, #mp)
#define cv_timedwait_sig(cvp, mp, abst) \
	((int)ks_il_cv_timedwait((cvp), (mp), (abst), 1, #cvp, #mp))
/* a delta <= 0 is a deadline already passed: -1 at once, as on illumos */
#define cv_reltimedwait(cvp, mp, delta, res) \
	ks_il_cv_timedwait((cvp), (mp), \
	    (delta) <= 0 ? (clock_t)-1 : ddi_get_lbolt() + (delta), 0, #cvp, #mp)
#define cv_reltimedwait_sig(cvp, mp, delta, res) \
	((int)ks_il_cv_timedwait((cvp), (mp), \
	    (delta) <= 0 ? (clock_t)-1 : ddi_get_lbolt() + (delta), 1, #cvp, #mp))
/*
 * The hrtime forms: tim in nanoseconds from now, or a gethrtime() instant
 * with CALLOUT_FLAG_ABSOLUTE; the deadline aligned down to a multiple of
 * res (up with CALLOUT_FLAG_ROUNDUP), as illumos's callouts align it. A
 * deadline already passed returns -1 at once, the mutex never dropped (as
 * every timed wait does on illumos); else -1 when it passes, 0 on a signal
 * (the _sig form), > 0 when woken.
 */
#define cv_timedwait_hires(cvp, mp, tim, res, flag) \
	ks_il_cv_timedwait_hires((cvp), (mp), (tim), (res), (flag), 0, #cvp, #mp)
#define cv_timedwait_sig_hires(cvp, mp, tim, res, flag) \
	ks_il_cv_timedwait_hires((cvp), (mp), (tim), (res), (flag), 1, #cvp, #mp)
/* a wait_sig whose thread may be swapped out meanwhile: no swapping here */
#define cv_wait_sig_swap(cvp, mp) ks_il_cv_wait_sig((cvp), (mp), #cvp, #mp)
#define cv_signal(cvp) ks_cv_signal(&(cvp)->_opaque, #cvp)
#define cv_broadcast(cvp) ks_cv_broadcast(&(cvp)->_opaque, #cvp)

#endif
