/* illumos <sys/kmem.h>: allocations are tagged with the allocating function. */
#ifndef _KS_ILLUMOS_SYS_KMEM_H
#define _KS_ILLUMOS_SYS_KMEM_H

#include <sys/types.h>
#include <kernsim/abi.h>

#define KM_SLEEP 0x0000
#define KM_NOSLEEP 0x0001
#define KM_PUSHPAGE 0x0002
#define KM_NORMALPRI 0x0020

#ifdef __cplusplus
extern "C" {
#endif
extern void *kmem_alloc(size_t, int);
extern void *kmem_zalloc(size_t, int);
extern void kmem_free(void *, size_t);
extern char *ks_il_strdup(const char *, const char *);
extern void ks_il_strfree(char *);
#ifdef __cplusplus
}
#endif

#define kmem_alloc(sz, fl) ks_kmem_alloc((sz), ((fl) & KM_NOSLEEP) ? KS_KM_NOSLEEP : KS_KM_SLEEP, __func__)
#define kmem_zalloc(sz, fl) \
	ks_kmem_alloc((sz), (((fl) & KM_NOSLEEP) ? KS_KM_NOSLEEP : KS_KM_SLEEP) | KS_KM_ZERO, __func__)
#define kmem_free(p, sz) ks_kmem_free((p), (sz), "kmem_free")
#define strdup(s) ks_il_strdup((s), __func__)
#define strfree(s) ks_il_strfree(s)

#endif
