/*
 * FreeBSD <sys/condvar.h>: condvar(9) with a mtx, an sx or an rwlock as
 * the interlock (held, not recursed: misuse otherwise, as the classes'
 * unlock assertions make it); an sx or rwlock is taken again in the mode
 * it was held in (shared or exclusive).
 * cv_wait_sig returns 0 or EINTR; cv_timedwait(_sig) takes ticks (hz) and
 * returns 0, EINTR or EWOULDBLOCK. A timo of 0 or less is one tick, never
 * a wait without a deadline: the macro is _cv_timedwait_sbt with
 * tick_sbt * timo and C_HARDCLOCK, which sleepq_set_timeout_sbt arms
 * whatever the value and callout_when raises to one tick (sys/condvar.h,
 * kern_condvar.c, subr_sleepqueue.c, kern_timeout.c, read 2026-12-07). A signal a scenario posts counts as one
 * caught by a handler without SA_RESTART (the model has no sigaction), so
 * the _sig waits return EINTR, never ERESTART.
 */
#ifndef _KS_FREEBSD_SYS_CONDVAR_H
#define _KS_FREEBSD_SYS_CONDVAR_H

#include <sys/types.h>
#include <sys/mutex.h>
#include <kernsim/abi.h>

struct cv {
	ks_handle_t _opaque;
};

/* the lock classes a wait takes, even where their headers are not included */
struct sx;
struct rwlock;

#ifdef __cplusplus
extern "C" {
#endif
/* timo in ticks, a deadline only with KS_FB_CV_TIMED; `flags` KS_FB_CV_SIG,
 * KS_FB_CV_UNLOCK (the rwl form), KS_FB_CV_TIMED */
int ks_fb_cv_wait(ks_handle_t *cv, struct mtx *m, int timo, int flags,
    const char *cv_expr, const char *m_expr);
int ks_fb_cv_wait_rwl(ks_handle_t *cv, ks_handle_t *lock, int timo, int flags,
    const char *cv_expr, const char *l_expr);
int ks_fb_cv_wait_unlock(ks_handle_t *cv, struct mtx *m, const char *cv_expr,
    const char *m_expr);
/* the _sbt forms: callout_when's deadline (sbt, its C_* flags; the
 * precision changes nothing on virtual time), then the wait as above */
int ks_fb_cv_timedwait_sbt(ks_handle_t *cv, struct mtx *m, sbintime_t sbt, sbintime_t pr,
    int flags, int sig, const char *cv_expr, const char *m_expr);
int ks_fb_cv_timedwait_sbt_rwl(ks_handle_t *cv, ks_handle_t *lock, sbintime_t sbt,
    sbintime_t pr, int flags, int sig, const char *cv_expr, const char *l_expr);
#ifdef __cplusplus
}
#endif

#define KS_FB_CV_SIG	0x1
#define KS_FB_CV_UNLOCK	0x2
#define KS_FB_CV_TIMED	0x4	/* cv_timedwait: timo <= 0 is one tick */

/*
 * FreeBSD passes the lock's lock_object and lets its class unlock and
 * relock it; here the lock's type picks the entry point at compile time,
 * so the mtx wait stays the direct call it was (the same code, so a
 * driver's build, hence its recorded repros, does not change). Another type is a
 * compile error, as a lock without a lock_object is on FreeBSD.
 */
#ifdef __cplusplus
#define _KS_FB_CV_WAIT(cvp, lock, timo, flags) \
	ks_fb_cv_wait(&(cvp)->_opaque, (lock), (timo), \
	    (flags) & (KS_FB_CV_SIG | KS_FB_CV_TIMED), #cvp, #lock)
#else
#define _KS_FB_CV_WAIT(cvp, lock, timo, flags) \
	_Generic((lock), \
	    struct mtx *: ks_fb_cv_wait(&(cvp)->_opaque, (struct mtx *)(void *)(lock), \
		(timo), (flags) & (KS_FB_CV_SIG | KS_FB_CV_TIMED), #cvp, #lock), \
	    struct sx *: ks_fb_cv_wait_rwl(&(cvp)->_opaque, &(lock)->_opaque, (timo), \
		(flags), #cvp, #lock), \
	    struct rwlock *: ks_fb_cv_wait_rwl(&(cvp)->_opaque, &(lock)->_opaque, (timo), \
		(flags), #cvp, #lock))
#endif

#define cv_init(cvp, desc) ks_cv_init(&(cvp)->_opaque, (desc), #cvp)
#define cv_destroy(cvp) ks_cv_destroy(&(cvp)->_opaque, #cvp)
#define cv_wait(cvp, lock) ((void)_KS_FB_CV_WAIT(cvp, lock, 0, 0))
/* the lock is left released on waking, never taken again */
#ifdef __cplusplus
#define cv_wait_unlock(cvp, lock) \
	((void)ks_fb_cv_wait_unlock(&(cvp)->_opaque, (lock), #cvp, #lock))
#else
#define cv_wait_unlock(cvp, lock) \
	_Generic((lock), \
	    struct mtx *: (void)ks_fb_cv_wait_unlock(&(cvp)->_opaque, \
		(struct mtx *)(void *)(lock), #cvp, #lock), \
	    default: (void)_KS_FB_CV_WAIT(cvp, lock, 0, KS_FB_CV_UNLOCK))
#endif
#define cv_wait_sig(cvp, lock) _KS_FB_CV_WAIT(cvp, lock, 0, KS_FB_CV_SIG)
#define cv_timedwait(cvp, lock, timo) _KS_FB_CV_WAIT(cvp, lock, (timo), KS_FB_CV_TIMED)
#define cv_timedwait_sig(cvp, lock, timo) \
	_KS_FB_CV_WAIT(cvp, lock, (timo), KS_FB_CV_SIG | KS_FB_CV_TIMED)
#ifdef __cplusplus
#define _KS_FB_CV_WAIT_SBT(cvp, lock, sbt, pr, flags, sig) \
	ks_fb_cv_timedwait_sbt(&(cvp)->_opaque, (lock), (sbt), (pr), (flags), (sig), #cvp, #lock)
#else
#define _KS_FB_CV_WAIT_SBT(cvp, lock, sbt, pr, flags, sig) \
	_Generic((lock), \
	    struct mtx *: ks_fb_cv_timedwait_sbt(&(cvp)->_opaque, \
		(struct mtx *)(void *)(lock), (sbt), (pr), (flags), (sig), #cvp, #lock), \
	    struct sx *: ks_fb_cv_timedwait_sbt_rwl(&(cvp)->_opaque, &(lock)->_opaque, \
		(sbt), (pr), (flags), (sig), #cvp, #lock), \
	    struct rwlock *: ks_fb_cv_timedwait_sbt_rwl(&(cvp)->_opaque, &(lock)->_opaque, \
		(sbt), (pr), (flags), (sig), #cvp, #lock))
#endif
#define cv_timedwait_sbt(cvp, lock, sbt, pr, flags) \
	_KS_FB_CV_WAIT_SBT(cvp, lock, sbt, pr, flags, 0)
#define cv_timedwait_sig_sbt(cvp, lock, sbt, pr, flags) \
	_KS_FB_CV_WAIT_SBT(cvp, lock, sbt, pr, flags, 1)
#define cv_signal(cvp) ks_cv_signal(&(cvp)->_opaque, #cvp)
#define cv_broadcast(cvp) ks_cv_broadcast(&(cvp)->_opaque, #cvp)
/* the waiters' priority is not modelled: a broadcast */
#define cv_broadcastpri(cvp, pri) ((void)(pri), cv_broadcast(cvp))

#endif
