/*
 * illumos <sys/sysmacros.h>: the arithmetic macros drivers use (MIN, MAX,
 * howmany, roundup, the P2 family and its typed forms, disk-block
 * conversions, ARRAY_SIZE, DECL_BITFIELDn), as illumos-gate's header
 * defines them (read). The device-number functions are <sys/mkdev.h>'s
 * (the 64-bit kernel's L_ sizes are here too).
 */
#ifndef _KS_ILLUMOS_SYS_SYSMACROS_H
#define _KS_ILLUMOS_SYS_SYSMACROS_H

#include <sys/param.h>
#include <sys/isa_defs.h>
#include <sys/mkdev.h>

#define dtob(DD) ((DD) << DEV_BSHIFT)
#define btod(BB) (((BB) + DEV_BSIZE - 1) >> DEV_BSHIFT)
#define btodt(BB) ((BB) >> DEV_BSHIFT)
#define lbtod(BB) (((offset_t)(BB) + DEV_BSIZE - 1) >> DEV_BSHIFT)

#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b) ((a) < (b) ? (b) : (a))
#endif
#ifndef ABS
#define ABS(a) ((a) < 0 ? -(a) : (a))
#endif
#ifndef SIGNOF
#define SIGNOF(a) ((a) < 0 ? -1 : (a) > 0)
#endif

#define L_BITSMAJOR32 NBITSMAJOR32
#define L_BITSMINOR32 NBITSMINOR32
#define L_MAXMAJ32 MAXMAJ32
#define L_MAXMIN32 MAXMIN32
#define L_BITSMAJOR NBITSMAJOR64
#define L_BITSMINOR NBITSMINOR64
#define L_MAXMAJ MAXMAJ64
#define L_MAXMIN MAXMIN64

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
#define P2PHASEUP(x, align, phase) ((phase) - (((phase) - (x)) & -(align)))
#define P2BOUNDARY(off, len, align) (((off) ^ ((off) + (len) - 1)) > (align) - 1)
#define P2ALIGN_TYPED(x, align, type) ((type)(x) & -(type)(align))
#define P2PHASE_TYPED(x, align, type) ((type)(x) & ((type)(align) - 1))
#define P2NPHASE_TYPED(x, align, type) (-(type)(x) & ((type)(align) - 1))
#define P2ROUNDUP_TYPED(x, align, type) (-(-(type)(x) & -(type)(align)))
#define P2END_TYPED(x, align, type) (-(~(type)(x) & -(type)(align)))
#define P2PHASEUP_TYPED(x, align, phase, type) \
	((type)(phase) - (((type)(phase) - (type)(x)) & -(type)(align)))
#define P2CROSS_TYPED(x, y, align, type) (((type)(x) ^ (type)(y)) > (type)(align) - 1)
#define P2SAMEHIGHBIT_TYPED(x, y, type) (((type)(x) ^ (type)(y)) < ((type)(x) & (type)(y)))

/* A count under its mutex (both pointers), as one expression. */
#define INCR_COUNT(var, mutex) mutex_enter(mutex), (*(var))++, mutex_exit(mutex)
#define DECR_COUNT(var, mutex) mutex_enter(mutex), (*(var))--, mutex_exit(mutex)

/* Byte-wide bit fields, declared low bit first (x86: _BIT_FIELDS_LTOH). */
#define DECL_BITFIELD2(_a, _b) uint8_t _a, _b
#define DECL_BITFIELD3(_a, _b, _c) uint8_t _a, _b, _c
#define DECL_BITFIELD4(_a, _b, _c, _d) uint8_t _a, _b, _c, _d
#define DECL_BITFIELD5(_a, _b, _c, _d, _e) uint8_t _a, _b, _c, _d, _e
#define DECL_BITFIELD6(_a, _b, _c, _d, _e, _f) uint8_t _a, _b, _c, _d, _e, _f
#define DECL_BITFIELD7(_a, _b, _c, _d, _e, _f, _g) uint8_t _a, _b, _c, _d, _e, _f, _g
#define DECL_BITFIELD8(_a, _b, _c, _d, _e, _f, _g, _h) uint8_t _a, _b, _c, _d, _e, _f, _g, _h
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(x) (sizeof (x) / sizeof ((x)[0]))
#endif

#endif
