/*
 * FreeBSD <sys/random.h>: the kernel's entropy device, as drivers call it
 * (read_random fills a buffer; is_random_seeded says the device is ready).
 * The bytes come from the World's generator (sys/libkern.h, random.cc),
 * so a run replays bit for bit; the host's getrandom would not. The
 * generator is seeded from boot: read_random always fills the buffer.
 */
#ifndef _KS_FREEBSD_SYS_RANDOM_H
#define _KS_FREEBSD_SYS_RANDOM_H

#include <sys/types.h>
#include <sys/libkern.h>

#ifdef __cplusplus
extern "C" {
#endif
void ks_fb_read_random(void *, u_int);
#ifdef __cplusplus
}
#endif

#define read_random ks_fb_read_random
#define is_random_seeded() (1)

#endif
