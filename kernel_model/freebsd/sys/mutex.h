/*
 * FreeBSD <sys/mutex.h>: mtx(9). MTX_DEF is a sleep mutex, MTX_SPIN a spin
 * mutex (sleeping while one is held is reported, and so is taking a sleep
 * mutex then, as WITNESS does). MTX_RECURSE allows the owner to lock again
 * (counted; mtx_recursed, MA_RECURSED); without it, recursion is misuse.
 * mtx_lock of a spin mutex (or mtx_lock_spin of a sleep one) is misuse, as
 * FreeBSD's KASSERTs make it. mtx_assert is on, as with INVARIANTS: a failed
 * MA_OWNED/MA_NOTOWNED/MA_(NOT)RECURSED is a lock-misuse report.
 * mtx_destroy of a mutex the caller holds (not recursed) unlocks it first,
 * as FreeBSD's does; held by another thread it is misuse.
 */
#ifndef _KS_FREEBSD_SYS_MUTEX_H
#define _KS_FREEBSD_SYS_MUTEX_H

#include <sys/types.h>
#include <sys/lock.h>
#include <kernsim/abi.h>

/*
 * The kernel model's mutex keeps the class and the recursion (mtx_init's
 * opts become its flags); the words after the handle keep struct
 * mtx the size it has always had, so a driver's structures, hence its
 * allocations and traces, do not move.
 */
struct mtx {
	ks_handle_t _opaque;
	int _ks_opts;		/* mtx_init's opts (callout(9) reads MTX_SPIN) */
	unsigned _ks_recurse;	/* unused */
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
void ks_fb_mtx_init(struct mtx *, const char *name, int opts, const char *expr);
void ks_fb_mtx_lock(struct mtx *, int spin, const char *expr);
void ks_fb_mtx_unlock(struct mtx *, int spin, const char *expr);
int ks_fb_mtx_trylock(struct mtx *, const char *expr);
int ks_fb_mtx_recursed(struct mtx *, const char *expr);
void ks_fb_mtx_destroy(struct mtx *, const char *expr);
void ks_fb_mtx_assert(struct mtx *, int what, const char *expr, const char *file, int line);
int ks_fb_msleep(const void *, struct mtx *, int, const char *, int, const char *);
/* mtx_pool(9) (kernel_model/freebsd/mtxpool.cc): which mutex a pointer
 * hashes to is the same in every run of a repro */
struct mtx_pool;
struct mtx_pool *mtx_pool_create(const char *mtx_name, int pool_size, int opts);
void mtx_pool_destroy(struct mtx_pool **poolp);
struct mtx *mtx_pool_find(struct mtx_pool *pool, void *ptr);
struct mtx *mtx_pool_alloc(struct mtx_pool *pool);
struct mtx_pool *ks_fb_mtxpool_sleep(void);
#ifdef __cplusplus
}
#endif

#define mtx_pool_lock(pool, ptr) mtx_lock(mtx_pool_find((pool), (ptr)))
#define mtx_pool_lock_spin(pool, ptr) mtx_lock_spin(mtx_pool_find((pool), (ptr)))
#define mtx_pool_unlock(pool, ptr) mtx_unlock(mtx_pool_find((pool), (ptr)))
#define mtx_pool_unlock_spin(pool, ptr) mtx_unlock_spin(mtx_pool_find((pool), (ptr)))
/* a variable on FreeBSD; here the World's own pool */
#define mtxpool_sleep ks_fb_mtxpool_sleep()

#define mtx_init(m, name, type, opts) ks_fb_mtx_init((m), (name), (opts), #m)
#define mtx_destroy(m) ks_fb_mtx_destroy((m), #m)
#define mtx_lock(m) ks_fb_mtx_lock((m), 0, #m)
#define mtx_lock_spin(m) ks_fb_mtx_lock((m), 1, #m)
#define mtx_unlock(m) ks_fb_mtx_unlock((m), 0, #m)
#define mtx_unlock_spin(m) ks_fb_mtx_unlock((m), 1, #m)
#define mtx_trylock(m) ks_fb_mtx_trylock((m), #m)
#define mtx_trylock_spin(m) ks_fb_mtx_trylock((m), #m)
#define mtx_owned(m) ks_mutex_owned(&(m)->_opaque, #m)
#define mtx_recursed(m) ks_fb_mtx_recursed((m), #m)
/* the _flags forms: the flags (MTX_QUIET, MTX_DUPOK) only tune WITNESS */
#define mtx_lock_flags(m, opts) mtx_lock(m)
#define mtx_unlock_flags(m, opts) mtx_unlock(m)
#define mtx_trylock_flags(m, opts) mtx_trylock(m)
#define mtx_lock_spin_flags(m, opts) mtx_lock_spin(m)
#define mtx_unlock_spin_flags(m, opts) mtx_unlock_spin(m)
#define mtx_trylock_spin_flags(m, opts) mtx_trylock_spin(m)
/* FreeBSD's sys/mutex.h spells msleep(9) on an mtx this way too */
#define mtx_sleep(chan, m, pri, wmesg, timo) \
	ks_fb_msleep((chan), (m), (pri), (wmesg), (timo), #m)
#define mtx_assert(m, what) \
	ks_fb_mtx_assert((m), (what), #m, __FILE__, __LINE__)

#endif
