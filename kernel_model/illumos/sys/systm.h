/*
 * illumos <sys/systm.h>: the kernel's general services, which a driver
 * includes beside the DDI: the block-memory and user-copy functions,
 * nodev and nulldev, panic. illumos declares them here; so does this
 * personality's <sys/sunddi.h>, with the same prototypes, so either
 * include (or both, as most drivers have) brings them.
 */
#ifndef _KS_ILLUMOS_SYS_SYSTM_H
#define _KS_ILLUMOS_SYS_SYSTM_H

#include <sys/types.h>
#include <sys/t_lock.h>
#include <sys/proc.h>
#include <sys/dditypes.h>
#include <sys/cmn_err.h>

#ifdef __cplusplus
extern "C" {
#endif

extern int bcmp(const void *, const void *, size_t);
extern void bcopy(const void *, void *, size_t);
extern void bzero(void *, size_t);
/* bcopy for overlapping buffers */
extern void ovbcopy(const void *, void *, size_t);
extern int copyin(const void *userbuf, void *driverbuf, size_t cn);
extern int copyout(const void *driverbuf, void *userbuf, size_t cn);
extern int copyinstr(const char *uaddr, char *kaddr, size_t maxlength, size_t *lencopied);
extern int copyoutstr(const char *kaddr, char *uaddr, size_t maxlength, size_t *lencopied);
extern int nodev();
extern int nulldev();

#ifdef __cplusplus
}
#endif

#endif
