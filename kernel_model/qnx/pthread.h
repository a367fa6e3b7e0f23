/*
 * POSIX threads for a resource manager's own state and its own threads
 * beside the pool's: mutexes and condition variables are the kernel
 * model's (a scheduling point each), named by the driver's expression; the
 * host's pthread_mutex_t and pthread_cond_t are the storage (a zeroed one,
 * PTHREAD_MUTEX_INITIALIZER or PTHREAD_COND_INITIALIZER, is valid). A
 * thread (pthread_create) is a World thread the model schedules, named
 * after its start function; pthread_join waits for its end. Attributes are
 * not modelled (NULL, or ignored), but for a condvar's clock.
 * pthread_cond_wait and pthread_cond_timedwait, as POSIX says, are not ended
 * by a signal.
 */
#ifndef _KS_QNX_PTHREAD_H
#define _KS_QNX_PTHREAD_H

#include <errno.h>
#include <sys/types.h>
#include <time.h>
#include <kernsim/abi.h>

#define KS_QNX_MTX(_m) ((ks_handle_t *)(void *)(_m))
#define PTHREAD_MUTEX_INITIALIZER { { 0 } }
#define pthread_mutex_init(_m, _a) ({ ks_mutex_init(KS_QNX_MTX(_m), #_m, 0, #_m); 0; })
#define pthread_mutex_lock(_m) ({ ks_mutex_enter(KS_QNX_MTX(_m), #_m); 0; })
#define pthread_mutex_trylock(_m) (ks_mutex_tryenter(KS_QNX_MTX(_m), #_m) ? 0 : EBUSY)
#define pthread_mutex_unlock(_m) ({ ks_mutex_exit(KS_QNX_MTX(_m), #_m); 0; })
#define pthread_mutex_destroy(_m) ({ ks_mutex_destroy(KS_QNX_MTX(_m), #_m); 0; })

#define PTHREAD_COND_INITIALIZER { { 0 } }
/* The condvar's clock (pthread_condattr_setclock: CLOCK_REALTIME, the
 * default, or CLOCK_MONOTONIC) is kept in the condvar's storage after the
 * model's handle; pthread_cond_timedwait's abstime is on that clock, the
 * virtual one (ETIMEDOUT once it passes). */
int ks_qnx_condattr_init(pthread_condattr_t *attr);
int ks_qnx_condattr_setclock(pthread_condattr_t *attr, clockid_t clk);
int ks_qnx_condattr_getclock(const pthread_condattr_t *attr, clockid_t *clk);
void ks_qnx_cond_setclock(pthread_cond_t *cond, const pthread_condattr_t *attr);
int ks_qnx_cond_timedwait(pthread_cond_t *cond, pthread_mutex_t *mtx,
    const struct timespec *abstime, const char *cond_expr, const char *mtx_expr);
#define pthread_condattr_init(_a) ks_qnx_condattr_init(_a)
#define pthread_condattr_destroy(_a) ({ (void)(_a); 0; })
#define pthread_condattr_setclock(_a, _c) ks_qnx_condattr_setclock((_a), (_c))
#define pthread_condattr_getclock(_a, _c) ks_qnx_condattr_getclock((_a), (_c))
#define pthread_cond_init(_c, _a) \
	({ ks_cv_init(KS_QNX_MTX(_c), #_c, #_c); ks_qnx_cond_setclock((_c), (_a)); 0; })
#define pthread_cond_timedwait(_c, _m, _t) ks_qnx_cond_timedwait((_c), (_m), (_t), #_c, #_m)
#define pthread_cond_wait(_c, _m) \
	({ ks_cv_wait(KS_QNX_MTX(_c), KS_QNX_MTX(_m), 0, 0, #_c, #_m); 0; })
#define pthread_cond_signal(_c) ({ ks_cv_signal(KS_QNX_MTX(_c), #_c); 0; })
#define pthread_cond_broadcast(_c) ({ ks_cv_broadcast(KS_QNX_MTX(_c), #_c); 0; })
#define pthread_cond_destroy(_c) ({ ks_cv_destroy(KS_QNX_MTX(_c), #_c); 0; })

int ks_qnx_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
    void *(*start)(void *), void *arg, const char *name);
int ks_qnx_pthread_join(pthread_t thread, void **value);
void ks_qnx_pthread_exit(void *value) __attribute__((noreturn));
pthread_t ks_qnx_pthread_self(void);
#define pthread_create(_t, _a, _fn, _arg) ks_qnx_pthread_create((_t), (_a), (_fn), (_arg), #_fn)
#define pthread_join(_t, _v) ks_qnx_pthread_join((_t), (_v))
#define pthread_exit(_v) ks_qnx_pthread_exit(_v)
#define pthread_self() ks_qnx_pthread_self()

#endif
