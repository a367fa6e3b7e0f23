/*
 * illumos <sys/atomic.h>: atomic operations (atomic_ops(9F)) and memory
 * barriers. Simulated threads run one at a time on one host thread and an
 * atomic operation is not a scheduling point, so each is indivisible as on
 * hardware; the compiler's __atomic built-ins keep them so against the
 * optimiser (and a ThreadSanitizer build sees them as atomic).
 */
#ifndef _KS_ILLUMOS_SYS_ATOMIC_H
#define _KS_ILLUMOS_SYS_ATOMIC_H

#include <sys/types.h>

#define KS_ATOMIC_ADD(suffix, T, D)                                              \
	static inline void atomic_add_##suffix(volatile T *t, D d)              \
	{ (void)__atomic_add_fetch(t, (T)d, __ATOMIC_SEQ_CST); }                 \
	static inline T atomic_add_##suffix##_nv(volatile T *t, D d)            \
	{ return __atomic_add_fetch(t, (T)d, __ATOMIC_SEQ_CST); }
#define KS_ATOMIC_INCDEC(suffix, T)                                              \
	static inline void atomic_inc_##suffix(volatile T *t)                   \
	{ (void)__atomic_add_fetch(t, 1, __ATOMIC_SEQ_CST); }                    \
	static inline T atomic_inc_##suffix##_nv(volatile T *t)                 \
	{ return __atomic_add_fetch(t, 1, __ATOMIC_SEQ_CST); }                   \
	static inline void atomic_dec_##suffix(volatile T *t)                   \
	{ (void)__atomic_sub_fetch(t, 1, __ATOMIC_SEQ_CST); }                    \
	static inline T atomic_dec_##suffix##_nv(volatile T *t)                 \
	{ return __atomic_sub_fetch(t, 1, __ATOMIC_SEQ_CST); }
#define KS_ATOMIC_BITS(suffix, T)                                                \
	static inline void atomic_or_##suffix(volatile T *t, T b)               \
	{ (void)__atomic_or_fetch(t, b, __ATOMIC_SEQ_CST); }                     \
	static inline T atomic_or_##suffix##_nv(volatile T *t, T b)             \
	{ return __atomic_or_fetch(t, b, __ATOMIC_SEQ_CST); }                    \
	static inline void atomic_and_##suffix(volatile T *t, T b)              \
	{ (void)__atomic_and_fetch(t, b, __ATOMIC_SEQ_CST); }                    \
	static inline T atomic_and_##suffix##_nv(volatile T *t, T b)            \
	{ return __atomic_and_fetch(t, b, __ATOMIC_SEQ_CST); }
/* cas and swap return the old value */
#define KS_ATOMIC_CAS_SWAP(suffix, T)                                            \
	static inline T atomic_cas_##suffix(volatile T *t, T cmp, T nv)         \
	{ (void)__atomic_compare_exchange_n(t, &cmp, nv, 0, __ATOMIC_SEQ_CST,    \
	    __ATOMIC_SEQ_CST); return cmp; }                                     \
	static inline T atomic_swap_##suffix(volatile T *t, T nv)               \
	{ return __atomic_exchange_n(t, nv, __ATOMIC_SEQ_CST); }

#define KS_ATOMIC_ALL(suffix, T, D)                                              \
	KS_ATOMIC_ADD(suffix, T, D)                                              \
	KS_ATOMIC_INCDEC(suffix, T)                                              \
	KS_ATOMIC_BITS(suffix, T)                                                \
	KS_ATOMIC_CAS_SWAP(suffix, T)

KS_ATOMIC_ALL(8, uint8_t, int8_t)
KS_ATOMIC_ALL(uchar, uchar_t, signed char)
KS_ATOMIC_ALL(16, uint16_t, int16_t)
KS_ATOMIC_ALL(ushort, ushort_t, short)
KS_ATOMIC_ALL(32, uint32_t, int32_t)
KS_ATOMIC_ALL(uint, uint_t, int)
KS_ATOMIC_ALL(ulong, ulong_t, long)
KS_ATOMIC_ALL(64, uint64_t, int64_t)
/* illumos names the signed-delta forms of add by the target's C type too */
KS_ATOMIC_ADD(char, uchar_t, signed char)
KS_ATOMIC_ADD(short, ushort_t, short)
KS_ATOMIC_ADD(int, uint_t, int)
KS_ATOMIC_ADD(long, ulong_t, long)

static inline void atomic_add_ptr(volatile void *t, ssize_t d)
{ (void)__atomic_add_fetch((volatile uintptr_t *)t, (uintptr_t)d, __ATOMIC_SEQ_CST); }
static inline void *atomic_add_ptr_nv(volatile void *t, ssize_t d)
{ return (void *)__atomic_add_fetch((volatile uintptr_t *)t, (uintptr_t)d, __ATOMIC_SEQ_CST); }
static inline void atomic_inc_ptr(volatile void *t) { atomic_add_ptr(t, 1); }
static inline void *atomic_inc_ptr_nv(volatile void *t) { return atomic_add_ptr_nv(t, 1); }
static inline void atomic_dec_ptr(volatile void *t) { atomic_add_ptr(t, -1); }
static inline void *atomic_dec_ptr_nv(volatile void *t) { return atomic_add_ptr_nv(t, -1); }
static inline void *atomic_cas_ptr(volatile void *t, void *cmp, void *nv)
{ (void)__atomic_compare_exchange_n((void *volatile *)t, &cmp, nv, 0, __ATOMIC_SEQ_CST,
    __ATOMIC_SEQ_CST); return cmp; }
static inline void *atomic_swap_ptr(volatile void *t, void *nv)
{ return __atomic_exchange_n((void *volatile *)t, nv, __ATOMIC_SEQ_CST); }

/* 0 when this call set (cleared) the bit, -1 when it was already so */
static inline int atomic_set_long_excl(volatile ulong_t *t, uint_t bit)
{ ulong_t m = 1UL << bit;
  return (__atomic_fetch_or(t, m, __ATOMIC_SEQ_CST) & m) ? -1 : 0; }
static inline int atomic_clear_long_excl(volatile ulong_t *t, uint_t bit)
{ ulong_t m = 1UL << bit;
  return (__atomic_fetch_and(t, ~m, __ATOMIC_SEQ_CST) & m) ? 0 : -1; }

static inline void membar_enter(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
static inline void membar_exit(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
static inline void membar_producer(void) { __atomic_thread_fence(__ATOMIC_RELEASE); }
static inline void membar_consumer(void) { __atomic_thread_fence(__ATOMIC_ACQUIRE); }
static inline void membar_sync(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

#endif
