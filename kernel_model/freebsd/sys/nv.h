/*
 * FreeBSD <sys/nv.h>: a minimal nvlist (string and number pairs). Packed
 * form (kernsim's own, for ioctl arguments): per pair one type byte
 * (NV_TYPE_NUMBER or NV_TYPE_STRING), the NUL-terminated name, then a
 * little-endian uint64_t or a NUL-terminated string. nvlists live in kmem
 * (tag "nvlist"): one not destroyed is reported as a leak. nvlist_unpack
 * of a malformed buffer returns NULL and says on the console what is wrong
 * and at which offset (FreeBSD only sets errno).
 */
#ifndef _KS_FREEBSD_SYS_NV_H
#define _KS_FREEBSD_SYS_NV_H

#include <sys/types.h>
#include <sys/malloc.h>

typedef struct nvlist nvlist_t;

#define NV_TYPE_NUMBER	2
#define NV_TYPE_STRING	3

/* nvlist_pack's buffer: the caller frees it with free(buf, M_NVLIST). */
MALLOC_DECLARE(M_NVLIST);

#ifdef __cplusplus
extern "C" {
#endif
nvlist_t *nvlist_create(int flags);
void nvlist_destroy(nvlist_t *nvl);
int nvlist_error(const nvlist_t *nvl);
bool nvlist_empty(const nvlist_t *nvl);
void nvlist_add_string(nvlist_t *nvl, const char *name, const char *value);
void nvlist_add_number(nvlist_t *nvl, const char *name, uint64_t value);
bool nvlist_exists_string(const nvlist_t *nvl, const char *name);
bool nvlist_exists_number(const nvlist_t *nvl, const char *name);
/* absent: a panic, as FreeBSD's (use dnvlist_get_* for a default) */
const char *nvlist_get_string(const nvlist_t *nvl, const char *name);
uint64_t nvlist_get_number(const nvlist_t *nvl, const char *name);
void *nvlist_pack(const nvlist_t *nvl, size_t *sizep);
nvlist_t *nvlist_unpack(const void *buf, size_t size, int flags);
#ifdef __cplusplus
}
#endif

#endif
