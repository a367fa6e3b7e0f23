/*
 * illumos <sys/bitext.h>: extract, set and delete bit fields (bitx64(9F)):
 * bits high..low inclusive, high >= low.
 */
#ifndef _KS_ILLUMOS_SYS_BITEXT_H
#define _KS_ILLUMOS_SYS_BITEXT_H

#include <sys/types.h>
#include <sys/debug.h>

#define KS_BITEXT(n, T)                                                          \
	static inline T bitx##n(T reg, uint_t high, uint_t low)                 \
	{ T mask;                                                                \
	  ASSERT(high < (n) && low <= high);                                     \
	  mask = (high - low + 1 == (n)) ? (T)~(T)0 : (T)((((T)1) << (high - low + 1)) - 1); \
	  return (T)((reg >> low) & mask); }                                     \
	static inline T bitset##n(T reg, uint_t high, uint_t low, T val)        \
	{ T mask;                                                                \
	  ASSERT(high < (n) && low <= high);                                     \
	  mask = (high - low + 1 == (n)) ? (T)~(T)0 : (T)((((T)1) << (high - low + 1)) - 1); \
	  ASSERT((val & ~mask) == 0);                                            \
	  return (T)((reg & ~(T)(mask << low)) | (T)((val & mask) << low)); }

KS_BITEXT(8, uint8_t)
KS_BITEXT(16, uint16_t)
KS_BITEXT(32, uint32_t)
KS_BITEXT(64, uint64_t)

/* removes bits high..low, shifting the bits above them down */
static inline uint64_t bitdel64(uint64_t val, uint_t high, uint_t low)
{
	uint64_t lowpart, highpart;
	ASSERT(high < 64 && low <= high);
	lowpart = low == 0 ? 0 : (val & ((1ULL << low) - 1));
	highpart = high == 63 ? 0 : ((val >> (high + 1)) << low);
	return (highpart | lowpart);
}

#endif
