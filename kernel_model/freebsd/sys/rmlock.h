/*
 * FreeBSD <sys/rmlock.h>: rmlock(9), read-mostly locks, onto the kernel
 * model's reader/writer locks as rw(9) is. FreeBSD makes readers cheap
 * and writers expensive; the exclusion is the same, and that is all a
 * run can observe. The priority tracker a reader passes is the caller's
 * and holds nothing here. RM_RECURSE lets a reader read again, at once
 * even with a writer waiting; without it a recursing reader is misuse, and
 * a writer never recurses (kern_rmlock.c; freebsd/sleepable.cc). A plain
 * rmlock is not sleepable (lock_class_rm has
 * no LC_SLEEPABLE, kern_rmlock.c): sleeping with it held is WITNESS's
 * "sleeping with a non-sleepable lock held". RM_SLEEPABLE puts an sx
 * underneath: it is taken as a sleepable lock (sx.h) and may be held
 * across a sleep.
 */
#ifndef _KS_FREEBSD_SYS_RMLOCK_H
#define _KS_FREEBSD_SYS_RMLOCK_H
#include <sys/types.h>
#include <sys/lock.h>
#include <sys/rwlock.h>
#include <sys/sx.h>
#include <kernsim/abi.h>
struct rmlock {
	ks_handle_t _opaque;
};
struct rm_priotracker {
	void *rmp_ks_unused[4];	/* the caller's; the model keeps nothing in it */
};
#define RM_NOWITNESS	0x00000001
#define RM_RECURSE	0x00000002
#define RM_SLEEPABLE	0x00000004
#define RM_NEW		0x00000008
#define rm_init(rm, name) ks_rw_init_flags(&(rm)->_opaque, (name), KS_RW_NOSLEEP, #rm)
#define rm_init_flags(rm, name, opts) \
	ks_rw_init_flags(&(rm)->_opaque, (name), \
	    (((opts) & RM_SLEEPABLE) ? KS_RW_SLEEPS : KS_RW_NOSLEEP) | \
	    (((opts) & RM_RECURSE) ? KS_RW_RECURSE : 0), #rm)
#define rm_destroy(rm) ks_rw_destroy(&(rm)->_opaque, #rm)
#define rm_rlock(rm, tracker) ((void)(tracker), \
	ks_fb_sleepable_lock(&(rm)->_opaque, 0, "rm_rlock", #rm, __FILE__, __LINE__))
#define rm_try_rlock(rm, tracker) ((void)(tracker), ks_rw_tryenter(&(rm)->_opaque, 0, #rm))
#define rm_runlock(rm, tracker) ((void)(tracker), ks_rw_exit(&(rm)->_opaque, #rm))
#define rm_wlock(rm) \
	ks_fb_sleepable_lock(&(rm)->_opaque, 1, "rm_wlock", #rm, __FILE__, __LINE__)
#define rm_wunlock(rm) ks_rw_exit(&(rm)->_opaque, #rm)
#define rm_wowned(rm) ks_rw_write_held(&(rm)->_opaque, #rm)
#define rm_assert(rm, what) \
	ks_fb_rw_assert(&(rm)->_opaque, (what), #rm, __FILE__, __LINE__)
#endif
