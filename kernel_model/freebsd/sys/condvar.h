/*
 * FreeBSD <sys/condvar.h>: condvar(9) with a mtx as the interlock (not
 * recursed: misuse otherwise, as FreeBSD's unlock assertion makes it).
 * cv_wait_sig returns 0 or EINTR; cv_timedwait(_sig) takes ticks (hz) and
 * returns 0, EINTR or EWOULDBLOCK. A signal a scenario posts counts as one
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

#ifdef __cplusplus
extern "C" {
#endif
int ks_fb_cv_wait(ks_handle_t *cv, struct mtx *m, int timo, int sig,
    const char *cv_expr, const char *m_expr);
#ifdef __cplusplus
}
#endif

#define cv_init(cvp, desc) ks_cv_init(&(cvp)->_opaque, (desc), #cvp)
#define cv_destroy(cvp) ks_cv_destroy(&(cvp)->_opaque, #cvp)
#define cv_wait(cvp, lock) \
	((void)ks_fb_cv_wait(&(cvp)->_opaque, (lock), 0, 0, #cvp, #lock))
#define cv_wait_unlock(cvp, lock) \
	((void)ks_fb_cv_wait(&(cvp)->_opaque, (lock), 0, 0, #cvp, #lock), \
	 mtx_unlock(lock))
#define cv_wait_sig(cvp, lock) \
	ks_fb_cv_wait(&(cvp)->_opaque, (lock), 0, 1, #cvp, #lock)
#define cv_timedwait(cvp, lock, timo) \
	ks_fb_cv_wait(&(cvp)->_opaque, (lock), (timo), 0, #cvp, #lock)
#define cv_timedwait_sig(cvp, lock, timo) \
	ks_fb_cv_wait(&(cvp)->_opaque, (lock), (timo), 1, #cvp, #lock)
#define cv_signal(cvp) ks_cv_signal(&(cvp)->_opaque, #cvp)
#define cv_broadcast(cvp) ks_cv_broadcast(&(cvp)->_opaque, #cvp)

#endif
