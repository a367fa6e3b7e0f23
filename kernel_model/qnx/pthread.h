/*
 * POSIX mutexes for a resource manager's own state, shared by its pool's
 * threads: the kernel model's mutexes (a scheduling point each), named by
 * the driver's expression. The host's pthread_mutex_t is the storage (a
 * zeroed one, PTHREAD_MUTEX_INITIALIZER, is a valid unlocked mutex). Only
 * mutexes: a resource manager's threads are the pool's.
 */
#ifndef _KS_QNX_PTHREAD_H
#define _KS_QNX_PTHREAD_H

#include <errno.h>
#include <sys/types.h>
#include <kernsim/abi.h>

#define KS_QNX_MTX(_m) ((ks_handle_t *)(void *)(_m))
#define PTHREAD_MUTEX_INITIALIZER { { 0 } }
#define pthread_mutex_init(_m, _a) ({ ks_mutex_init(KS_QNX_MTX(_m), #_m, 0, #_m); 0; })
#define pthread_mutex_lock(_m) ({ ks_mutex_enter(KS_QNX_MTX(_m), #_m); 0; })
#define pthread_mutex_trylock(_m) (ks_mutex_tryenter(KS_QNX_MTX(_m), #_m) ? 0 : EBUSY)
#define pthread_mutex_unlock(_m) ({ ks_mutex_exit(KS_QNX_MTX(_m), #_m); 0; })
#define pthread_mutex_destroy(_m) ({ ks_mutex_destroy(KS_QNX_MTX(_m), #_m); 0; })

#endif
