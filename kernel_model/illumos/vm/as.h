/*
 * illumos <vm/as.h>: address spaces. The kernel's (kas) exists so a driver
 * that names it links; the operations on address spaces are not modelled
 * and fail as a reported "not_modelled:<function>" if reached (user
 * memory is reached through copyin/copyout and uiomove here).
 */
#ifndef _KS_ILLUMOS_VM_AS_H
#define _KS_ILLUMOS_VM_AS_H

#include <sys/types.h>

struct seg;
struct hat;
/* Opaque here: kas is its only instance. */
struct as {
	struct hat *a_hat;
	void *a_ks_reserved;
};

enum fault_type { F_INVAL, F_PROT, F_SOFTLOCK, F_SOFTUNLOCK };
enum seg_rw { S_OTHER, S_READ, S_WRITE, S_EXEC, S_CREATE, S_READ_NOCOW };

#ifdef __cplusplus
extern "C" {
#endif
extern struct as kas;
extern int as_fault(struct hat *, struct as *, caddr_t, size_t, enum fault_type,
    enum seg_rw);
extern pfn_t hat_getpfnum(struct hat *, caddr_t);
#ifdef __cplusplus
}
#endif

#endif
