/*
 * FreeBSD <vm/uma.h>: UMA zones, the kernel's allocator of fixed-size
 * items. An item is kmem of the zone's size tagged with the zone's name
 * (leaks, redzones and use after free are reported by it); the zone runs
 * the item's init/ctor on allocation and dtor/fini on free, as FreeBSD does
 * for an item that goes straight back to the keg. A zone still holding
 * items at uma_zdestroy prints FreeBSD's warning and carries on, the items
 * lost: the teardown reports them as leaks of the zone's tag. The zone
 * record is kmem too (tag "uma_zone"), so a zone never destroyed is a leak.
 */
#ifndef _KS_FREEBSD_VM_UMA_H
#define _KS_FREEBSD_VM_UMA_H

#include <sys/types.h>
#include <sys/malloc.h>

typedef struct uma_zone *uma_zone_t;
typedef int (*uma_ctor)(void *mem, int size, void *arg, int flags);
typedef void (*uma_dtor)(void *mem, int size, void *arg);
typedef int (*uma_init)(void *mem, int size, int flags);
typedef void (*uma_fini)(void *mem, int size);

#define UMA_ALIGN_PTR	(sizeof(void *) - 1)
#define UMA_ALIGN_LONG	(sizeof(long) - 1)
#define UMA_ALIGN_INT	(sizeof(int) - 1)
#define UMA_ALIGN_SHORT	(sizeof(short) - 1)
#define UMA_ALIGN_CHAR	(sizeof(char) - 1)
#define UMA_ALIGN_CACHE	63

#define UMA_ZONE_ZINIT		0x0002
#define UMA_ZONE_NOFREE		0x0020
#define UMA_ZONE_NODUMP		0x0040
#define UMA_ZONE_PCPU		0x8000

#ifdef __cplusplus
extern "C" {
#endif
uma_zone_t uma_zcreate(const char *name, size_t size, uma_ctor ctor, uma_dtor dtor,
    uma_init uminit, uma_fini fini, int align, uint32_t flags);
void uma_zdestroy(uma_zone_t zone);
void *uma_zalloc_arg(uma_zone_t zone, void *arg, int flags);
void uma_zfree_arg(uma_zone_t zone, void *item, void *arg);
int uma_zone_set_max(uma_zone_t zone, int nitems);
int uma_zone_get_cur(uma_zone_t zone);
#ifdef __cplusplus
}
#endif
#define uma_zalloc(zone, flags) uma_zalloc_arg((zone), NULL, (flags))
#define uma_zfree(zone, item) uma_zfree_arg((zone), (item), NULL)

#endif
