/*
 * illumos <sys/esunddi.h>: the consolidation-private DDI a few drivers
 * use. Here only umem_lockmemory: ddi_umem_lock(9F) for a named process
 * (NULL: the caller's), with DDI_UMEMLOCK_LONGTERM and a cleanup callback
 * that an munmap, mprotect or exit reaching the pages runs before it waits
 * for the unlock (sunddi.c, vm_as.c).
 */
#ifndef _KS_ILLUMOS_SYS_ESUNDDI_H
#define _KS_ILLUMOS_SYS_ESUNDDI_H

#include <sys/sunddi.h>
#include <sys/proc.h>

#define DDI_UMEMLOCK_LONGTERM 0x04

#ifdef __cplusplus
extern "C" {
#endif
extern int umem_lockmemory(caddr_t, size_t, int, ddi_umem_cookie_t *,
    struct umem_callback_ops *, proc_t *);
#ifdef __cplusplus
}
#endif

#endif
