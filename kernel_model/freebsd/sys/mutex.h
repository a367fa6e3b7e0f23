/*
 * FreeBSD <sys/mutex.h>: mtx(9). MTX_DEF is a sleep mutex, MTX_SPIN a spin
 * mutex (sleeping while one is held is reported). Recursion is reported as
 * misuse even with MTX_RECURSE (not modelled). mtx_assert is on, as with
 * INVARIANTS: a failed MA_OWNED/MA_NOTOWNED is a lock-misuse report.
 */
#ifndef _KS_FREEBSD_SYS_MUTEX_H
#define _KS_FREEBSD_SYS_MUTEX_H

#include <sys/types.h>
#include <sys/lock.h>
#include <kernsim/abi.h>

struct mtx {
	ks_handle_t _opaque;
};

#define MTX_DEF		0x00000000
#define MTX_SPIN	0x00000001
#define MTX_RECURSE	0x00000004
#define MTX_NOWITNESS	0x00000008
#define MTX_DUPOK	0x00000020

#define MA_NOTOWNED	0x00
#define MA_OWNED	0x01
#define MA_RECURSED	0x04
#define MA_NOTRECURSED	0x08

#ifdef __cplusplus
extern "C" {
#endif
void ks_fb_mtx_assert(ks_handle_t *, int what, const char *expr, const char *file, int line);
#ifdef __cplusplus
}
#endif

#define mtx_init(m, name, type, opts) \
	ks_mutex_init(&(m)->_opaque, (name), ((opts) & MTX_SPIN) != 0, #m)
#define mtx_destroy(m) ks_mutex_destroy(&(m)->_opaque, #m)
#define mtx_lock(m) ks_mutex_enter(&(m)->_opaque, #m)
#define mtx_lock_spin(m) ks_mutex_enter(&(m)->_opaque, #m)
#define mtx_unlock(m) ks_mutex_exit(&(m)->_opaque, #m)
#define mtx_unlock_spin(m) ks_mutex_exit(&(m)->_opaque, #m)
#define mtx_trylock(m) ks_mutex_tryenter(&(m)->_opaque, #m)
#define mtx_trylock_spin(m) ks_mutex_tryenter(&(m)->_opaque, #m)
#define mtx_owned(m) ks_mutex_owned(&(m)->_opaque, #m)
#define mtx_assert(m, what) \
	ks_fb_mtx_assert(&(m)->_opaque, (what), #m, __FILE__, __LINE__)

#endif
