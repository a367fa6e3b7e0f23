/*
 * FreeBSD <sys/sema.h>: sema(9) counting semaphores, onto the kernel
 * model's semaphores. sema_trywait returns 1 when it took the count.
 */
#ifndef _KS_FREEBSD_SYS_SEMA_H
#define _KS_FREEBSD_SYS_SEMA_H

#include <sys/types.h>
#include <kernsim/abi.h>

struct sema {
	ks_handle_t _opaque;
};

#define sema_init(sema, value, description) \
	ks_sema_init(&(sema)->_opaque, (value), (description), #sema)
#define sema_destroy(sema) ks_sema_destroy(&(sema)->_opaque, #sema)
#define sema_post(sema) ks_sema_v(&(sema)->_opaque, #sema)
#define sema_wait(sema) ks_sema_p(&(sema)->_opaque, #sema)
#define sema_trywait(sema) ks_sema_tryp(&(sema)->_opaque, #sema)

#endif
