/*
 * FreeBSD <sys/counter.h>: counter(9), statistics counters. FreeBSD keeps
 * one per CPU and sums them on fetch; the model runs one thread at a time,
 * so a counter is one 64-bit word in kmem (tag "counter"): a counter never
 * freed is a leak. counter_u64_alloc with M_NOWAIT may fail when faults
 * are injected; M_WAITOK never returns NULL.
 */
#ifndef _KS_FREEBSD_SYS_COUNTER_H
#define _KS_FREEBSD_SYS_COUNTER_H

#include <sys/types.h>
#include <sys/malloc.h>
#include <stdint.h>

typedef uint64_t *counter_u64_t;

static inline counter_u64_t counter_u64_alloc(int flags)
{
	return ((counter_u64_t)ks_kmem_alloc(sizeof(uint64_t),
	    ((flags & M_NOWAIT) ? KS_KM_NOSLEEP : KS_KM_SLEEP) | KS_KM_ZERO, "counter"));
}
static inline void counter_u64_free(counter_u64_t c)
{
	if (c != NULL)
		ks_kmem_free(c, sizeof(uint64_t), "counter_u64_free");
}
static inline void counter_u64_add(counter_u64_t c, int64_t inc)
{ __atomic_add_fetch(c, (uint64_t)inc, __ATOMIC_RELAXED); }
static inline uint64_t counter_u64_fetch(counter_u64_t c)
{ return __atomic_load_n(c, __ATOMIC_RELAXED); }
static inline void counter_u64_zero(counter_u64_t c)
{ __atomic_store_n(c, 0, __ATOMIC_RELAXED); }

#endif
