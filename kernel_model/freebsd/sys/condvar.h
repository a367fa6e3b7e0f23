/*
 * FreeBSD <sys/condvar.h>: condvar(9) with a mtx as the interlock.
 * cv_wait_sig returns 0 or EINTR; cv_timedwait(_sig) takes ticks (hz) and
 * returns 0, EINTR or EWOULDBLOCK.
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
int ks_fb_cv_timedwait(ks_handle_t *cv, ks_handle_t *m, int timo, int sig,
    const char *cv_expr, const char *m_expr);
#ifdef __cplusplus
}
#endif

#define cv_init(cvp, desc) ks_cv_init(&(cvp)->_opaque, (desc), #cvp)
#define cv_destroy(cvp) ks_cv_destroy(&(cvp)->_opaque, #cvp)
#define cv_wait(cvp, lock) \
	((void)ks_cv_wait(&(cvp)->_opaque, &(lock)->_opaque, 0, 0, #cvp, #lock))
#define cv_wait_unlock(cvp, lock) \
	((void)ks_cv_wait(&(cvp)->_opaque, &(lock)->_opaque, 0, 0, #cvp, #lock), \
	 ks_mutex_exit(&(lock)->_opaque, #lock))
#define cv_wait_sig(cvp, lock) \
	ks_cv_wait(&(cvp)->_opaque, &(lock)->_opaque, 1, 0, #cvp, #lock)
#define cv_timedwait(cvp, lock, timo) \
	ks_fb_cv_timedwait(&(cvp)->_opaque, &(lock)->_opaque, (timo), 0, #cvp, #lock)
#define cv_timedwait_sig(cvp, lock, timo) \
	ks_fb_cv_timedwait(&(cvp)->_opaque, &(lock)->_opaque, (timo), 1, #cvp, #lock)
#define cv_signal(cvp) ks_cv_signal(&(cvp)->_opaque, #cvp)
#define cv_broadcast(cvp) ks_cv_broadcast(&(cvp)->_opaque, #cvp)

#endif
