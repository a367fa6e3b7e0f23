/*
 * FreeBSD <sys/malloc.h>: malloc(9)/free(9). A malloc type is a kmem tag
 * named as the driver names it (M_CTL): leaks at teardown are reported by
 * type. One of M_WAITOK or M_NOWAIT is required (an INVARIANTS panic
 * otherwise); M_NOWAIT may fail when faults are injected; M_WAITOK never
 * returns NULL. libc's <stdlib.h> comes first, so its malloc and free are
 * declared before these macros take the names. The kernel's own types
 * M_DEVBUF, M_TEMP and M_CACHE are there for every driver, as
 * kern_malloc.c defines them.
 */
#ifndef _KS_FREEBSD_SYS_MALLOC_H
#define _KS_FREEBSD_SYS_MALLOC_H

#include <sys/types.h>
#include <stdlib.h>
#include <kernsim/abi.h>

#define M_NOWAIT	0x0001
#define M_WAITOK	0x0002
#define M_ZERO		0x0100

struct malloc_type {
	const char *ks_name;		/* the C name, M_CTL: the kmem tag */
	const char *ks_shortdesc;
};

/* FreeBSD's also emits a SYSINIT and a SYSUNINIT naming the type
 * (sys/malloc.h), so a `static MALLOC_DEFINE` the driver never allocates
 * from draws no unused-variable warning there: `used` says the same here
 * (it warned at build-driver before, 2026-12-07). */
#define MALLOC_DEFINE(type, shortdesc, longdesc) \
	struct malloc_type type[1] __attribute__((__used__)) = { { #type, (shortdesc) } }
#define MALLOC_DECLARE(type) extern struct malloc_type type[1]

#ifdef __cplusplus
extern "C" {
#endif
MALLOC_DECLARE(M_DEVBUF);
MALLOC_DECLARE(M_TEMP);
MALLOC_DECLARE(M_CACHE);
/*
 * realloc(9) (kern_malloc.c): NULL is a malloc; a size that fits the
 * buffer and is more than half of it keeps the buffer; else a new one with
 * the old bytes, the old one freed. NULL (M_NOWAIT) leaves the old buffer;
 * reallocf frees it then.
 */
void *ks_fb_realloc(void *addr, size_t size, struct malloc_type *type, int flags);
void *ks_fb_reallocf(void *addr, size_t size, struct malloc_type *type, int flags);
#ifdef __cplusplus
}
#endif

static inline void *
ks_fb_malloc(size_t size, struct malloc_type *type, int flags)
{
	if ((flags & (M_WAITOK | M_NOWAIT)) == 0)
		ks_panic("malloc(%zu, %s): neither M_WAITOK nor M_NOWAIT", size,
		    type->ks_name);
	return (ks_kmem_alloc(size,
	    ((flags & M_NOWAIT) ? KS_KM_NOSLEEP : KS_KM_SLEEP) |
	    ((flags & M_ZERO) ? KS_KM_ZERO : 0) | KS_KM_MALLOC, type->ks_name));
}

static inline void
ks_fb_free(void *addr, struct malloc_type *type)
{
	(void)type;
	if (addr != NULL)
		ks_kmem_free(addr, SIZE_MAX, "free");
}

/* malloc(9) of nmemb * size; an overflow is a panic, as FreeBSD's */
static inline void *
ks_fb_mallocarray(size_t nmemb, size_t size, struct malloc_type *type, int flags)
{
	size_t n;
	if (__builtin_mul_overflow(nmemb, size, &n))
		ks_panic("mallocarray: %zu * %zu overflows", nmemb, size);
	return (ks_fb_malloc(n, type, flags));
}

#define malloc(size, type, flags) ks_fb_malloc((size), (type), (flags))
#define mallocarray(nmemb, size, type, flags) \
	ks_fb_mallocarray((nmemb), (size), (type), (flags))
#define free(addr, type) ks_fb_free((addr), (type))
#define realloc(addr, size, type, flags) ks_fb_realloc((addr), (size), (type), (flags))
#define reallocf(addr, size, type, flags) ks_fb_reallocf((addr), (size), (type), (flags))

#endif
