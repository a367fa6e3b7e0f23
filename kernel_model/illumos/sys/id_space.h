/*
 * illumos <sys/id_space.h>: spaces of integer identifiers [low, high) that
 * drivers hand out (minor numbers, instance ids). id_alloc takes the next
 * free id after the last one it gave (wrapping), as illumos's next-fit
 * does; id_allocff the lowest free one; the _nosleep forms return -1 when
 * the space is full. A space is kmem (tag "id_space"), so one never
 * destroyed is a leak. id_alloc and id_allocff on a full space wait for an
 * id_free, as vmem_alloc(VM_SLEEP) does. Freeing an id not allocated
 * panics, as illumos's vmem does.
 */
#ifndef _KS_ILLUMOS_SYS_ID_SPACE_H
#define _KS_ILLUMOS_SYS_ID_SPACE_H

#include <sys/types.h>

typedef struct id_space id_space_t;

#ifdef __cplusplus
extern "C" {
#endif
id_space_t *id_space_create(const char *, id_t, id_t);
void id_space_destroy(id_space_t *);
void id_space_extend(id_space_t *, id_t, id_t);
id_t id_alloc(id_space_t *);
id_t id_alloc_nosleep(id_space_t *);
id_t id_allocff(id_space_t *);
id_t id_allocff_nosleep(id_space_t *);
id_t id_alloc_specific_nosleep(id_space_t *, id_t);
void id_free(id_space_t *, id_t);
#ifdef __cplusplus
}
#endif

#endif
