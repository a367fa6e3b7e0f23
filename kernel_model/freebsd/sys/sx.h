/*
 * FreeBSD <sys/sx.h>: sx(9) shared/exclusive sleep locks, onto the kernel
 * model's reader/writer locks. SX_RECURSE lets the exclusive holder lock
 * again (counted; SA_RECURSED); without it, recursion is misuse. sx_assert is on (INVARIANTS); as without WITNESS,
 * SA_SLOCKED checks that someone holds it shared, not who. An sx is a
 * sleepable lock: taking one with a non-sleepable lock held is WITNESS's
 * "sleepable after non-sleepable", and a contended one sleeps (so not in
 * a callout); one may sleep holding it (sleepable.cc).
 */
#ifndef _KS_FREEBSD_SYS_SX_H
#define _KS_FREEBSD_SYS_SX_H

#include <sys/types.h>
#include <sys/lock.h>
#include <kernsim/abi.h>

struct sx {
	ks_handle_t _opaque;
};

#define SX_DUPOK	0x01
#define SX_NOWITNESS	0x04
#define SX_RECURSE	0x10

/* FreeBSD's values, so combinations (SA_XLOCKED | SA_NOTRECURSED) work. */
#define SA_UNLOCKED	0x00
#define SA_LOCKED	0x01
#define SA_SLOCKED	0x02
#define SA_XLOCKED	0x04
#define SA_RECURSED	0x08
#define SA_NOTRECURSED	0x10

#ifdef __cplusplus
extern "C" {
#endif
void ks_fb_sx_assert(ks_handle_t *, int what, const char *expr, const char *file, int line);
void ks_fb_sx_unlock(ks_handle_t *, const char *expr);
void ks_fb_sleepable_lock(ks_handle_t *, int write, const char *op, const char *expr,
    const char *file, int line);
int ks_fb_sleep_rwl(const void *chan, ks_handle_t *lock, int pri, const char *wmesg,
    int timo, const char *op, const char *expr);
#ifdef __cplusplus
}
#endif

#define sx_init(sx, desc) ks_rw_init_flags(&(sx)->_opaque, (desc), KS_RW_SLEEPS, #sx)
#define sx_init_flags(sx, desc, flags) \
	ks_rw_init_flags(&(sx)->_opaque, (desc), \
	    KS_RW_SLEEPS | (((flags) & SX_RECURSE) ? KS_RW_RECURSE : 0), #sx)
#define sx_destroy(sx) ks_rw_destroy(&(sx)->_opaque, #sx)
#define sx_xlock(sx) \
	ks_fb_sleepable_lock(&(sx)->_opaque, 1, "sx_xlock", #sx, __FILE__, __LINE__)
#define sx_slock(sx) \
	ks_fb_sleepable_lock(&(sx)->_opaque, 0, "sx_slock", #sx, __FILE__, __LINE__)
#define sx_try_xlock(sx) ks_rw_tryenter(&(sx)->_opaque, 1, #sx)
#define sx_try_slock(sx) ks_rw_tryenter(&(sx)->_opaque, 0, #sx)
#define sx_xunlock(sx) ks_rw_exit(&(sx)->_opaque, #sx)
#define sx_sunlock(sx) ks_rw_exit(&(sx)->_opaque, #sx)
#define sx_unlock(sx) ks_rw_exit(&(sx)->_opaque, #sx)
#define sx_try_upgrade(sx) ks_rw_tryupgrade(&(sx)->_opaque, #sx)
#define sx_downgrade(sx) ks_rw_downgrade(&(sx)->_opaque, #sx)
/* interruptible forms: the wait is not interruptible here, so always 0 */
#define sx_xlock_sig(sx) (ks_fb_sleepable_lock(&(sx)->_opaque, 1, "sx_xlock_sig", #sx, \
	    __FILE__, __LINE__), 0)
#define sx_slock_sig(sx) (ks_fb_sleepable_lock(&(sx)->_opaque, 0, "sx_slock_sig", #sx, \
	    __FILE__, __LINE__), 0)
#define sx_xlocked(sx) ks_rw_write_held(&(sx)->_opaque, #sx)
#define sx_assert(sx, what) \
	ks_fb_sx_assert(&(sx)->_opaque, (what), #sx, __FILE__, __LINE__)

/* sleep(9) with this lock as the interlock: timo in ticks, PDROP, PCATCH */
#define sx_sleep(chan, sx, pri, wmesg, timo) \
	ks_fb_sleep_rwl((chan), &(sx)->_opaque, (pri), (wmesg), (timo), "sx_sleep", #sx)

#endif
