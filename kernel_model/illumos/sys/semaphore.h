/* illumos <sys/semaphore.h> */
#ifndef _KS_ILLUMOS_SYS_SEMAPHORE_H
#define _KS_ILLUMOS_SYS_SEMAPHORE_H

#include <sys/ksynch.h>

#ifdef __cplusplus
extern "C" {
#endif

extern void sema_init(ksema_t *, uint_t, char *, ksema_type_t, void *);
extern void sema_destroy(ksema_t *);
extern void sema_p(ksema_t *);
extern int sema_p_sig(ksema_t *);
extern int sema_tryp(ksema_t *);
extern void sema_v(ksema_t *);

#ifdef __cplusplus
}
#endif

#define sema_init(sp, count, name, type, arg) \
	ks_sema_init(&(sp)->_opaque, (count), (name), #sp)
#define sema_destroy(sp) ks_sema_destroy(&(sp)->_opaque, #sp)
#define sema_p(sp) ks_sema_p(&(sp)->_opaque, #sp)
/* illumos: 1 when a signal interrupted the wait, 0 when it took the count */
#define sema_p_sig(sp) (ks_sema_p_sig(&(sp)->_opaque, #sp) != 0)
/* illumos: 1 when it took the count, 0 otherwise */
#define sema_tryp(sp) ks_sema_tryp(&(sp)->_opaque, #sp)
#define sema_v(sp) ks_sema_v(&(sp)->_opaque, #sp)

#endif
