/* illumos <sys/mutex.h> */
#ifndef _KS_ILLUMOS_SYS_MUTEX_H
#define _KS_ILLUMOS_SYS_MUTEX_H

#include <sys/ksynch.h>

#ifdef __cplusplus
extern "C" {
#endif

extern void mutex_init(kmutex_t *, char *, kmutex_type_t, void *);
extern void mutex_destroy(kmutex_t *);
extern void mutex_enter(kmutex_t *);
extern int mutex_tryenter(kmutex_t *);
extern void mutex_exit(kmutex_t *);
extern int mutex_owned(const kmutex_t *);

#ifdef __cplusplus
}
#endif

/* The macros pass the driver's own spelling of the lock, for reports. */
#define mutex_init(mp, name, type, arg) \
	ks_mutex_init(&(mp)->_opaque, (name), (type) == MUTEX_SPIN, #mp)
#define mutex_destroy(mp) ks_mutex_destroy(&(mp)->_opaque, #mp)
#define mutex_enter(mp) ks_mutex_enter(&(mp)->_opaque, #mp)
#define mutex_tryenter(mp) ks_mutex_tryenter(&(mp)->_opaque, #mp)
#define mutex_exit(mp) ks_mutex_exit(&(mp)->_opaque, #mp)
#define mutex_owned(mp) ks_mutex_owned((ks_handle_t *)&(mp)->_opaque, #mp)

/* What ASSERTs test: illumos defines them on mutex_owned; no run panics. */
#define MUTEX_HELD(mp) mutex_owned(mp)
#define MUTEX_NOT_HELD(mp) (!mutex_owned(mp))

#endif
