/*
 * FreeBSD <sys/bitstring.h>: bit strings in words of unsigned long, as
 * FreeBSD's are since 11: bit_alloc (malloc(9), zeroed), bit_decl, the
 * single and ranged set/clear/test, the first-set/first-clear searches
 * (bit_ffs, bit_ffc and their _at forms: -1 in *result when none) and
 * bit_count (the set bits at or after start in a string of nbits).
 */
#ifndef _KS_FREEBSD_SYS_BITSTRING_H
#define _KS_FREEBSD_SYS_BITSTRING_H

#include <sys/types.h>
#include <sys/malloc.h>

typedef unsigned long bitstr_t;

#define _BITSTR_BITS		(sizeof (bitstr_t) * 8)
#define _bit_idx(_bit)		((_bit) / _BITSTR_BITS)
#define _bit_offset(_bit)	((_bit) % _BITSTR_BITS)
#define _bit_mask(_bit)		(1UL << _bit_offset(_bit))
#define _bitstr_size(_nbits)	(((_nbits) + _BITSTR_BITS - 1) / _BITSTR_BITS)
#define bitstr_size(_nbits)	(_bitstr_size(_nbits) * sizeof (bitstr_t))
#define bit_decl(name, nbits)	((name)[bitstr_size(nbits) / sizeof (bitstr_t)])
#define bit_alloc(_nbits, _type, _flags) \
	((bitstr_t *)malloc(bitstr_size(_nbits), (_type), (_flags) | M_ZERO))

static inline int
bit_test(const bitstr_t *b, int bit)
{
	return ((b[_bit_idx(bit)] & _bit_mask(bit)) != 0);
}

static inline void
bit_set(bitstr_t *b, int bit)
{
	b[_bit_idx(bit)] |= _bit_mask(bit);
}

static inline void
bit_clear(bitstr_t *b, int bit)
{
	b[_bit_idx(bit)] &= ~_bit_mask(bit);
}

/* Bits start..stop, both included. */
static inline void
bit_nset(bitstr_t *b, int start, int stop)
{
	for (int i = start; i <= stop; i++)
		bit_set(b, i);
}

static inline void
bit_nclear(bitstr_t *b, int start, int stop)
{
	for (int i = start; i <= stop; i++)
		bit_clear(b, i);
}

static inline void
bit_ffs_at(const bitstr_t *b, int start, int nbits, int *result)
{
	for (int i = start < 0 ? 0 : start; i < nbits; i++) {
		if (bit_test(b, i)) {
			*result = i;
			return;
		}
	}
	*result = -1;
}

static inline void
bit_ffc_at(const bitstr_t *b, int start, int nbits, int *result)
{
	for (int i = start < 0 ? 0 : start; i < nbits; i++) {
		if (!bit_test(b, i)) {
			*result = i;
			return;
		}
	}
	*result = -1;
}

static inline void
bit_ffs(const bitstr_t *b, int nbits, int *result)
{
	bit_ffs_at(b, 0, nbits, result);
}

static inline void
bit_ffc(const bitstr_t *b, int nbits, int *result)
{
	bit_ffc_at(b, 0, nbits, result);
}

/* The set bits of a string of nbits at or after start, into *result. */
static inline void
bit_count(const bitstr_t *b, int start, int nbits, int *result)
{
	int n = 0;
	for (int i = start < 0 ? 0 : start; i < nbits; i++)
		n += bit_test(b, i);
	*result = n;
}

#endif
