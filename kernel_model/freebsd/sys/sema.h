/*
 * FreeBSD <sys/sema.h>: sema(9) counting semaphores, onto the kernel
 * model's semaphores. sema_trywait and sema_timedwait return 1 when they
 * took the count, else 0. sema_timedwait's timo is in ticks (at least one,
 * as cv_timedwait's C_HARDCLOCK makes it) and, as kern_sema.c's loop of
 * cv_timedwait does, starts again at each wakeup that finds the count
 * taken. sema_value is the count.
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
#define sema_timedwait(sema, timo) ks_fb_sema_timedwait(&(sema)->_opaque, (timo), #sema)
#define sema_value(sema) ks_fb_sema_value(&(sema)->_opaque, #sema)

#ifdef __cplusplus
extern "C" {
#endif
int ks_fb_sema_timedwait(ks_handle_t *, int timo, const char *expr);
int ks_fb_sema_value(ks_handle_t *, const char *expr);
#ifdef __cplusplus
}
#endif

#endif
