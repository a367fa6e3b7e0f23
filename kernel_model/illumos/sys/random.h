/*
 * illumos <sys/random.h>: the kernel's random bytes (random_get_bytes(9F),
 * random_get_pseudo_bytes(9F)). The bytes come from a generator each World
 * starts from the same seed, so a run replays bit for bit (the host's
 * getrandom would not); they are not a recorded choice. Each returns 0:
 * the pool never runs short here.
 */
#ifndef _KS_ILLUMOS_SYS_RANDOM_H
#define _KS_ILLUMOS_SYS_RANDOM_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif
int random_get_bytes(uint8_t *, size_t);
int random_get_pseudo_bytes(uint8_t *, size_t);
#ifdef __cplusplus
}
#endif

#endif
