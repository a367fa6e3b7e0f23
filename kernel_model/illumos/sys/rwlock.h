/* illumos <sys/rwlock.h> */
#ifndef _KS_ILLUMOS_SYS_RWLOCK_H
#define _KS_ILLUMOS_SYS_RWLOCK_H

#include <sys/ksynch.h>

#ifdef __cplusplus
extern "C" {
#endif

extern void rw_init(krwlock_t *, char *, krw_type_t, void *);
extern void rw_destroy(krwlock_t *);
extern void rw_enter(krwlock_t *, krw_t);
extern int rw_tryenter(krwlock_t *, krw_t);
extern void rw_exit(krwlock_t *);
extern int rw_tryupgrade(krwlock_t *);
extern void rw_downgrade(krwlock_t *);
extern int rw_read_held(krwlock_t *);
extern int rw_write_held(krwlock_t *);
extern int rw_lock_held(krwlock_t *);
extern int rw_read_locked(krwlock_t *);

#ifdef __cplusplus
}
#endif

/*
 * The macros pass the driver's own spelling of the lock, for reports.
 * RW_READER_STARVEWRITER enters as a plain reader: it still waits behind a
 * waiting writer here.
 */
#define rw_init(rwlp, name, type, arg) ks_rw_init(&(rwlp)->_opaque, (name), #rwlp)
#define rw_destroy(rwlp) ks_rw_destroy(&(rwlp)->_opaque, #rwlp)
#define rw_enter(rwlp, enter_type) \
	ks_rw_enter(&(rwlp)->_opaque, (enter_type) == RW_WRITER, #rwlp)
#define rw_tryenter(rwlp, enter_type) \
	ks_rw_tryenter(&(rwlp)->_opaque, (enter_type) == RW_WRITER, #rwlp)
#define rw_exit(rwlp) ks_rw_exit(&(rwlp)->_opaque, #rwlp)
#define rw_tryupgrade(rwlp) ks_rw_tryupgrade(&(rwlp)->_opaque, #rwlp)
#define rw_downgrade(rwlp) ks_rw_downgrade(&(rwlp)->_opaque, #rwlp)
/* read held: by readers, any thread; write held: by the calling thread */
#define rw_read_held(rwlp) ks_rw_read_held(&(rwlp)->_opaque, #rwlp)
#define rw_write_held(rwlp) ks_rw_write_held(&(rwlp)->_opaque, #rwlp)
#define rw_lock_held(rwlp) (rw_read_held(rwlp) || rw_write_held(rwlp))
/* illumos: the lock is held, and held as reader (assumed held) */
#define rw_read_locked(rwlp) ks_rw_read_held(&(rwlp)->_opaque, #rwlp)
#define RW_READ_HELD(rwlp) rw_read_held(rwlp)
#define RW_WRITE_HELD(rwlp) rw_write_held(rwlp)
#define RW_LOCK_HELD(rwlp) rw_lock_held(rwlp)

#endif
