/*
 * FreeBSD <sys/rwlock.h>: rw(9) reader/writer locks, onto the kernel
 * model's reader/writer locks as sx(9) is. RW_RECURSE lets the writer lock
 * again (counted; RA_RECURSED); without it, recursion is misuse. rw_assert
 * is on (INVARIANTS); as without WITNESS, RA_RLOCKED checks that someone
 * holds it shared, not who. An rwlock is not sleepable (its class has no
 * LC_SLEEPABLE, kern_rwlock.c): sleeping with it held, read or write, is
 * WITNESS's "sleeping with a non-sleepable lock held".
 */
#ifndef _KS_FREEBSD_SYS_RWLOCK_H
#define _KS_FREEBSD_SYS_RWLOCK_H

#include <sys/types.h>
#include <sys/lock.h>
#include <kernsim/abi.h>

struct rwlock {
	ks_handle_t _opaque;
};

#define RW_DUPOK	0x01
#define RW_NOPROFILE	0x02
#define RW_NOWITNESS	0x04
#define RW_QUIET	0x08
#define RW_RECURSE	0x10
#define RW_NEW		0x20

/* FreeBSD's values (the same as sx's SA_*) */
#define RA_UNLOCKED	0x00
#define RA_LOCKED	0x01
#define RA_RLOCKED	0x02
#define RA_WLOCKED	0x04
#define RA_RECURSED	0x08
#define RA_NOTRECURSED	0x10

#ifdef __cplusplus
extern "C" {
#endif
void ks_fb_rw_assert(ks_handle_t *, int what, const char *expr, const char *file, int line);
int ks_fb_sleep_rwl(const void *chan, ks_handle_t *lock, int pri, const char *wmesg,
    int timo, const char *op, const char *expr);
#ifdef __cplusplus
}
#endif

#define rw_init(rw, name) ks_rw_init_flags(&(rw)->_opaque, (name), KS_RW_NOSLEEP, #rw)
#define rw_init_flags(rw, name, opts) \
	ks_rw_init_flags(&(rw)->_opaque, (name), \
	    KS_RW_NOSLEEP | (((opts) & RW_RECURSE) ? KS_RW_RECURSE : 0), #rw)
#define rw_destroy(rw) ks_rw_destroy(&(rw)->_opaque, #rw)
#define rw_wlock(rw) ks_rw_enter(&(rw)->_opaque, 1, #rw)
#define rw_rlock(rw) ks_rw_enter(&(rw)->_opaque, 0, #rw)
#define rw_try_wlock(rw) ks_rw_tryenter(&(rw)->_opaque, 1, #rw)
#define rw_try_rlock(rw) ks_rw_tryenter(&(rw)->_opaque, 0, #rw)
#define rw_wunlock(rw) ks_rw_exit(&(rw)->_opaque, #rw)
#define rw_runlock(rw) ks_rw_exit(&(rw)->_opaque, #rw)
#define rw_unlock(rw) ks_rw_exit(&(rw)->_opaque, #rw)
#define rw_try_upgrade(rw) ks_rw_tryupgrade(&(rw)->_opaque, #rw)
#define rw_downgrade(rw) ks_rw_downgrade(&(rw)->_opaque, #rw)
#define rw_wowned(rw) ks_rw_write_held(&(rw)->_opaque, #rw)
#define rw_assert(rw, what) \
	ks_fb_rw_assert(&(rw)->_opaque, (what), #rw, __FILE__, __LINE__)

/* sleep(9) with this lock as the interlock: timo in ticks, PDROP, PCATCH */
#define rw_sleep(chan, rw, pri, wmesg, timo) \
	ks_fb_sleep_rwl((chan), &(rw)->_opaque, (pri), (wmesg), (timo), "rw_sleep", #rw)

#endif
