/*
 * illumos <sys/mkdev.h>: the kernel's dev_t is the 64-bit expanded device
 * number, major in the high 32 bits and minor in the low 32 (NBITSMAJOR64).
 * The 32-bit sizes (a dev32_t's: 14 major bits, 18 minor) bound what a
 * driver hands to 32-bit callers, and MAXMIN32 is the usual top of a
 * driver's minor-number space (illumos-gate's mkdev.h, read).
 */
#ifndef _KS_ILLUMOS_SYS_MKDEV_H
#define _KS_ILLUMOS_SYS_MKDEV_H

#include <sys/types.h>

#define NBITSMAJOR32 14
#define NBITSMINOR32 18
#define MAXMAJ32 0x3fffUL
#define MAXMIN32 0x3ffffUL
#define NBITSMAJOR64 32
#define NBITSMINOR64 32
#define MAXMAJ64 0xffffffffUL
#define MAXMIN64 0xffffffffUL
#undef NODEV /* glibc <sys/param.h> has its own */
#define NODEV ((dev_t)-1)

static inline major_t getmajor(dev_t d) { return (major_t)((uint64_t)d >> NBITSMINOR64); }
static inline minor_t getminor(dev_t d) { return (minor_t)((uint64_t)d & MAXMIN64); }
static inline dev_t makedevice(major_t maj, minor_t min) {
	return (dev_t)(((uint64_t)maj << NBITSMINOR64) | (uint64_t)min);
}

#endif
