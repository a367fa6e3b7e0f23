/*
 * illumos <sys/vmem.h>: resource arenas, vmem(9F). An arena is a set of
 * integers in spans; vmem_alloc hands out [addr, addr + size) pieces. A
 * driver's common use is an identifier arena (VMC_IDENTIFIER) for minor
 * numbers. The flag values are illumos's.
 *
 * Modelled: arenas over their own spans (vmem_create's base/size and
 * vmem_add), identifier or not (the addresses are integers; nothing backs
 * them). An import source (afunc/ffunc/source) is not modelled. qcache_max
 * is accepted and ignored: every allocation comes from the arena itself,
 * as if the quantum caches were off.
 *
 * Which address comes first follows illumos's vmem.c: the default policy
 * is instant fit (power-of-two free lists, the lowest list certain to fit,
 * its most recently freed segment first: on a fresh identifier arena
 * 1, 2, 3, ..., and a freed id comes back before untouched ones);
 * VM_BESTFIT the smallest segment that fits; VM_FIRSTFIT the first fit in
 * free-list order; VM_NEXTFIT the first free space after the last next-fit
 * allocation, wrapping. The same calls give the same addresses in every
 * run. VM_SLEEP on an exhausted arena waits for a vmem_free or vmem_add
 * (a scheduling point); VM_NOSLEEP returns NULL. Freeing what was not
 * allocated, or with another size, panics as illumos does; vmem_destroy
 * with allocations outstanding warns ("leaked N identifiers").
 * The arena lives in kmem (tag "vmem"): one never destroyed is a leak.
 */
#ifndef _KS_ILLUMOS_SYS_VMEM_H
#define _KS_ILLUMOS_SYS_VMEM_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VM_SLEEP 0x00000000
#define VM_NOSLEEP 0x00000001
#define VM_PANIC 0x00000002
#define VM_PUSHPAGE 0x00000004
#define VM_KMFLAGS 0x000000ff

#define VM_BESTFIT 0x00000100
#define VM_FIRSTFIT 0x00000200
#define VM_NEXTFIT 0x00000400
#define VM_MEMLOAD 0x00000800
#define VM_NORELOC 0x00001000
#define VM_ABORT 0x00002000
#define VM_ENDALLOC 0x00004000
#define VM_FLAGS 0x0000FFFF

#define VMC_POPULATOR 0x00010000
#define VMC_NO_QCACHE 0x00020000
#define VMC_IDENTIFIER 0x00040000
#define VMC_XALLOC 0x00080000
#define VMC_XALIGN 0x00100000
#define VMC_FLAGS 0xFFFF0000

/* segment types, for vmem_size and vmem_walk */
#define VMEM_ALLOC 0x01
#define VMEM_FREE 0x02
#define VMEM_SPAN 0x10
#define VMEM_ROTOR 0x20
#define VMEM_WALKER 0x40
#define VMEM_REENTRANT 0x80000000

typedef struct vmem vmem_t;
typedef void *(vmem_alloc_t)(vmem_t *, size_t, int);
typedef void(vmem_free_t)(vmem_t *, void *, size_t);
typedef void *(vmem_ximport_t)(vmem_t *, size_t *, size_t, int);

extern vmem_t *vmem_create(const char *, void *, size_t, size_t, vmem_alloc_t *, vmem_free_t *,
                           vmem_t *, size_t, int);
extern vmem_t *vmem_xcreate(const char *, void *, size_t, size_t, vmem_ximport_t *,
                            vmem_free_t *, vmem_t *, size_t, int);
extern void vmem_destroy(vmem_t *);
extern void *vmem_alloc(vmem_t *, size_t, int);
extern void *vmem_xalloc(vmem_t *, size_t, size_t, size_t, size_t, void *, void *, int);
extern void vmem_free(vmem_t *, void *, size_t);
extern void vmem_xfree(vmem_t *, void *, size_t);
extern void *vmem_add(vmem_t *, void *, size_t, int);
extern int vmem_contains(vmem_t *, void *, size_t);
extern void vmem_walk(vmem_t *, int, void (*)(void *, void *, size_t), void *);
extern size_t vmem_size(vmem_t *, int);

#ifdef __cplusplus
}
#endif

#endif
