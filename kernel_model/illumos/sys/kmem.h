/*
 * illumos <sys/kmem.h>: allocations are tagged with the allocating function.
 * Object caches (kmem_cache_create) allocate each object from kmem, tagged
 * with the cache's name, and run the constructor on every allocation and
 * the destructor on every free: an object is constructed whenever the
 * driver holds it, which is all a driver may rely on (no reuse of
 * constructed objects between a free and the next allocation).
 */
#ifndef _KS_ILLUMOS_SYS_KMEM_H
#define _KS_ILLUMOS_SYS_KMEM_H

#include <sys/types.h>
/* declared before strdup becomes a macro below */
#include <string.h>
#include <kernsim/abi.h>

#define KM_SLEEP 0x0000
#define KM_NOSLEEP 0x0001
#define KM_PUSHPAGE 0x0002
#define KM_NORMALPRI 0x0020

/* kmem_cache_create flags (accepted, no effect here) */
#define KMC_NOTOUCH 0x00010000
#define KMC_NODEBUG 0x00020000
#define KMC_NOMAGAZINE 0x00040000
#define KMC_NOHASH 0x00080000
#define KMC_QCACHE 0x00100000

typedef struct kmem_cache kmem_cache_t;

#ifdef __cplusplus
extern "C" {
#endif
extern void *kmem_alloc(size_t, int);
extern void *kmem_zalloc(size_t, int);
extern void kmem_free(void *, size_t);
extern char *ks_il_strdup(const char *, const char *);
extern void ks_il_strfree(char *);
/* a formatted string in kmem (KM_SLEEP), freed with strfree */
extern char *kmem_asprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
extern char *kmem_vasprintf(const char *, __builtin_va_list) __attribute__((format(printf, 1, 0)));

extern kmem_cache_t *kmem_cache_create(char *, size_t, size_t,
    int (*)(void *, void *, int), void (*)(void *, void *), void (*)(void *),
    void *, void *, int);
extern void *kmem_cache_alloc(kmem_cache_t *, int);
extern void kmem_cache_free(kmem_cache_t *, void *);
extern void kmem_cache_destroy(kmem_cache_t *);
extern void kmem_cache_reap_now(kmem_cache_t *);
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
