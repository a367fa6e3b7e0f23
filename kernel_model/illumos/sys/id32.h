/*
 * illumos <sys/id32.h>: 32-bit names for kernel pointers (a 32-bit
 * ioctl, a hardware tag). The rules are id32.c's (read): an id is never 0;
 * id32_alloc gives 0 only when a KM_NOSLEEP allocation fails; an id not of
 * the encoding is rejected with a warning (lookup gives NULL); a freed id
 * may come back from a later id32_alloc. Here a freed id that has not come
 * back is the driver's bug: its free is kmem's duplicate free, its lookup a
 * read of freed memory. An id never freed is a leak at teardown.
 */
#ifndef _KS_ILLUMOS_SYS_ID32_H
#define _KS_ILLUMOS_SYS_ID32_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif
extern uint32_t id32_alloc(void *, int);
extern void id32_free(uint32_t);
extern void *id32_lookup(uint32_t);
#ifdef __cplusplus
}
#endif

#endif
