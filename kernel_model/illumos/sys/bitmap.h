/*
 * illumos <sys/bitmap.h>: bitmaps as arrays of ulong_t, and the bit
 * searches (highbit, lowbit, bt_availbit). Bit positions count from 1 in
 * highbit and lowbit, 0 meaning no bit set, as illumos's do.
 */
#ifndef _KS_ILLUMOS_SYS_BITMAP_H
#define _KS_ILLUMOS_SYS_BITMAP_H

#include <sys/types.h>

#define BT_ULSHIFT	6	/* LP64: 64 bits to a ulong_t */
#define BT_ULSHIFT32	5
#define BT_NBIPUL	(1 << BT_ULSHIFT)
#define BT_NBIPUL32	(1 << BT_ULSHIFT32)
#define BT_ULMASK	(BT_NBIPUL - 1)
#define BT_ULMASK32	(BT_NBIPUL32 - 1)

#define BT_WIM(bitmap, bitindex)	((bitmap)[(bitindex) >> BT_ULSHIFT])
#define BT_BIW(bitindex)		(1UL << ((bitindex) & BT_ULMASK))
#define BT_WIM32(bitmap, bitindex)	((bitmap)[(bitindex) >> BT_ULSHIFT32])
#define BT_BIW32(bitindex)		(1U << ((bitindex) & BT_ULMASK32))

#define BT_BITOUL(nbits)	(((nbits) + BT_NBIPUL - 1L) / BT_NBIPUL)
#define BT_BITOUL32(nbits)	(((nbits) + BT_NBIPUL32 - 1L) / BT_NBIPUL32)
#define BT_SIZEOFMAP(nbits)	(BT_BITOUL(nbits) * sizeof (ulong_t))
#define BT_SIZEOFMAP32(nbits)	(BT_BITOUL32(nbits) * sizeof (uint_t))

#define BT_TEST(bitmap, bitindex) \
	((BT_WIM((bitmap), (bitindex)) & BT_BIW(bitindex)) ? 1 : 0)
#define BT_SET(bitmap, bitindex) \
	{ BT_WIM((bitmap), (bitindex)) |= BT_BIW(bitindex); }
#define BT_CLEAR(bitmap, bitindex) \
	{ BT_WIM((bitmap), (bitindex)) &= ~BT_BIW(bitindex); }
#define BT_TEST32(bitmap, bitindex) \
	((BT_WIM32((bitmap), (bitindex)) & BT_BIW32(bitindex)) ? 1 : 0)
#define BT_SET32(bitmap, bitindex) \
	{ BT_WIM32((bitmap), (bitindex)) |= BT_BIW32(bitindex); }
#define BT_CLEAR32(bitmap, bitindex) \
	{ BT_WIM32((bitmap), (bitindex)) &= ~BT_BIW32(bitindex); }

static inline int
highbit(ulong_t i)
{
	return (i == 0 ? 0 : 64 - __builtin_clzl(i));
}

static inline int
lowbit(ulong_t i)
{
	return (i == 0 ? 0 : __builtin_ctzl(i) + 1);
}

static inline int
highbit64(uint64_t i)
{
	return (i == 0 ? 0 : 64 - __builtin_clzll(i));
}

/* The index of the first clear bit among nbits, or -1 when all are set. */
static inline index_t
bt_availbit(ulong_t *bitmap, size_t nbits)
{
	size_t w;

	for (w = 0; w < (size_t)BT_BITOUL(nbits); w++) {
		if (bitmap[w] != ~0UL) {
			size_t b = w * BT_NBIPUL + (size_t)__builtin_ctzl(~bitmap[w]);
			return (b < nbits ? (index_t)b : -1);
		}
	}
	return (-1);
}

/* The highest and lowest set bit's index among words 0..wx, or -1. */
static inline int
bt_gethighbit(ulong_t *mapp, int wx)
{
	for (; wx >= 0; wx--) {
		if (mapp[wx] != 0)
			return (wx * BT_NBIPUL + highbit(mapp[wx]) - 1);
	}
	return (-1);
}

static inline int
bt_getlowbit(ulong_t *mapp, size_t start, size_t stop)
{
	size_t i;

	for (i = start; i <= stop; i++) {
		if (BT_TEST(mapp, i))
			return ((int)i);
	}
	return (-1);
}

#endif
