/*
 * illumos <sys/sysmacros.h>: the arithmetic macros drivers use (MIN, MAX,
 * howmany, roundup, the P2 family, ARRAY_SIZE). No device-number macros
 * here: those are <sys/mkdev.h>'s functions.
 */
#ifndef _KS_ILLUMOS_SYS_SYSMACROS_H
#define _KS_ILLUMOS_SYS_SYSMACROS_H

#include <sys/param.h>

#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b) ((a) < (b) ? (b) : (a))
#endif
#ifndef ABS
#define ABS(a) ((a) < 0 ? -(a) : (a))
#endif
#ifndef howmany
#define howmany(x, y) (((x) + ((y) - 1)) / (y))
#endif
#ifndef roundup
#define roundup(x, y) ((((x) + ((y) - 1)) / (y)) * (y))
#endif
#define ISP2(x) (((x) & ((x) - 1)) == 0)
#define IS_P2ALIGNED(v, a) ((((uintptr_t)(v)) & ((uintptr_t)(a) - 1)) == 0)
#define P2ALIGN(x, align) ((x) & -(align))
#define P2PHASE(x, align) ((x) & ((align) - 1))
#define P2NPHASE(x, align) (-(x) & ((align) - 1))
#define P2ROUNDUP(x, align) (-(-(x) & -(align)))
#define P2END(x, align) (-(~(x) & -(align)))
#define P2SAMEHIGHBIT(x, y) (((x) ^ (y)) < ((x) & (y)))
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(x) (sizeof (x) / sizeof ((x)[0]))
#endif

#endif
