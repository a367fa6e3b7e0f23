/* illumos <sys/condvar.h> */
#ifndef _KS_ILLUMOS_SYS_CONDVAR_H
#define _KS_ILLUMOS_SYS_CONDVAR_H

#include <sys/ksynch.h>
#include <sys/mutex.h>
#include <sys/time_illumos.h>

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
extern void cv_signal(kcondvar_t *);
extern void cv_broadcast(kcondvar_t *);

/* Return-value translations of the neutral wait (0, EINTR, ETIMEDOUT). */
extern int ks_il_cv_wait_sig(kcondvar_t *, kmutex_t *, const char *, const char *);
extern clock_t ks_il_cv_timedwait(kcondvar_t *, kmutex_t *, clock_t, int,
    const char *, const char *);

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
#define cv_reltimedwait(cvp, mp, delta, res) \
	ks_il_cv_timedwait((cvp), (mp), ddi_get_lbolt() + (delta), 0, #cvp, #mp)
#define cv_reltimedwait_sig(cvp, mp, delta, res) \
	((int)ks_il_cv_timedwait((cvp), (mp), ddi_get_lbolt() + (delta), 1, #cvp, #mp))
#define cv_signal(cvp) ks_cv_signal(&(cvp)->_opaque, #cvp)
#define cv_broadcast(cvp) ks_cv_broadcast(&(cvp)->_opaque, #cvp)

#endif
