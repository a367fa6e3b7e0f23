/*
 * FreeBSD <machine/atomic.h>: atomic(9). Simulated threads run one at a time
 * on one host thread and an atomic operation is not a scheduling point, so
 * each is indivisible as on hardware; the compiler's __atomic built-ins keep
 * them so against the optimiser (and a ThreadSanitizer build sees them as
 * atomic, with the ordering the _acq/_rel suffix names). cmpset returns
 * non-zero when it stored; fcmpset also writes the value it found to *old.
 */
#ifndef _KS_FREEBSD_MACHINE_ATOMIC_H
#define _KS_FREEBSD_MACHINE_ATOMIC_H

#include <sys/types.h>
#include <stdint.h>

/* One operation of one type T named N, with the suffix S ("", _acq_,
 * _rel_ as the name's middle) and memory order O. */
#define KS_FB_ATOMIC_RMW(N, S, T, O)						\
	static inline void atomic_add##S##N(volatile T *p, T v)			\
	{ (void)__atomic_add_fetch(p, v, O); }					\
	static inline void atomic_subtract##S##N(volatile T *p, T v)		\
	{ (void)__atomic_sub_fetch(p, v, O); }					\
	static inline void atomic_set##S##N(volatile T *p, T v)			\
	{ (void)__atomic_or_fetch(p, v, O); }					\
	static inline void atomic_clear##S##N(volatile T *p, T v)		\
	{ (void)__atomic_and_fetch(p, (T)~v, O); }				\
	static inline int atomic_cmpset##S##N(volatile T *p, T old, T nv)	\
	{ return __atomic_compare_exchange_n(p, &old, nv, 0, O,			\
	    __ATOMIC_RELAXED); }						\
	static inline int atomic_fcmpset##S##N(volatile T *p, T *old, T nv)	\
	{ return __atomic_compare_exchange_n(p, old, nv, 0, O,			\
	    __ATOMIC_RELAXED); }

#define KS_FB_ATOMIC_TYPE(N, T)							\
	KS_FB_ATOMIC_RMW(N, _, T, __ATOMIC_SEQ_CST)				\
	KS_FB_ATOMIC_RMW(N, _acq_, T, __ATOMIC_ACQUIRE)				\
	KS_FB_ATOMIC_RMW(N, _rel_, T, __ATOMIC_RELEASE)				\
	static inline T atomic_load_##N(volatile T *p)				\
	{ return __atomic_load_n(p, __ATOMIC_RELAXED); }			\
	static inline T atomic_load_acq_##N(volatile T *p)			\
	{ return __atomic_load_n(p, __ATOMIC_ACQUIRE); }			\
	static inline void atomic_store_##N(volatile T *p, T v)			\
	{ __atomic_store_n(p, v, __ATOMIC_RELAXED); }				\
	static inline void atomic_store_rel_##N(volatile T *p, T v)		\
	{ __atomic_store_n(p, v, __ATOMIC_RELEASE); }				\
	static inline T atomic_fetchadd_##N(volatile T *p, T v)			\
	{ return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }			\
	static inline T atomic_readandclear_##N(volatile T *p)			\
	{ return __atomic_exchange_n(p, (T)0, __ATOMIC_SEQ_CST); }		\
	static inline T atomic_swap_##N(volatile T *p, T v)			\
	{ return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST); }			\
	static inline int atomic_testandset_##N(volatile T *p, u_int bit)	\
	{ T m = (T)1 << (bit % (sizeof(T) * 8));				\
	  return (__atomic_fetch_or(p, m, __ATOMIC_SEQ_CST) & m) != 0; }	\
	static inline int atomic_testandclear_##N(volatile T *p, u_int bit)	\
	{ T m = (T)1 << (bit % (sizeof(T) * 8));				\
	  return (__atomic_fetch_and(p, (T)~m, __ATOMIC_SEQ_CST) & m) != 0; }

KS_FB_ATOMIC_TYPE(char, u_char)
KS_FB_ATOMIC_TYPE(short, u_short)
KS_FB_ATOMIC_TYPE(int, u_int)
KS_FB_ATOMIC_TYPE(long, u_long)
KS_FB_ATOMIC_TYPE(8, uint8_t)
KS_FB_ATOMIC_TYPE(16, uint16_t)
KS_FB_ATOMIC_TYPE(32, uint32_t)
KS_FB_ATOMIC_TYPE(64, uint64_t)

#undef KS_FB_ATOMIC_TYPE
#undef KS_FB_ATOMIC_RMW

/* The _ptr forms take a pointer to any pointer-sized object, as FreeBSD's
 * (the long forms behind casts; load and store keep the object's type). */
#define atomic_load_ptr(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define atomic_store_ptr(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define atomic_load_acq_ptr(p) atomic_load_acq_long((volatile u_long *)(p))
#define atomic_store_rel_ptr(p, v) atomic_store_rel_long((volatile u_long *)(p), (u_long)(v))
#define atomic_cmpset_ptr(p, o, n) \
	atomic_cmpset_long((volatile u_long *)(p), (u_long)(o), (u_long)(n))
#define atomic_cmpset_acq_ptr(p, o, n) \
	atomic_cmpset_acq_long((volatile u_long *)(p), (u_long)(o), (u_long)(n))
#define atomic_cmpset_rel_ptr(p, o, n) \
	atomic_cmpset_rel_long((volatile u_long *)(p), (u_long)(o), (u_long)(n))
#define atomic_fcmpset_ptr(p, o, n) \
	atomic_fcmpset_long((volatile u_long *)(p), (u_long *)(o), (u_long)(n))
#define atomic_fcmpset_acq_ptr(p, o, n) \
	atomic_fcmpset_acq_long((volatile u_long *)(p), (u_long *)(o), (u_long)(n))
#define atomic_fcmpset_rel_ptr(p, o, n) \
	atomic_fcmpset_rel_long((volatile u_long *)(p), (u_long *)(o), (u_long)(n))
#define atomic_swap_ptr(p, v) atomic_swap_long((volatile u_long *)(p), (u_long)(v))
#define atomic_readandclear_ptr(p) atomic_readandclear_long((volatile u_long *)(p))
#define atomic_add_ptr(p, v) atomic_add_long((volatile u_long *)(p), (u_long)(v))
#define atomic_subtract_ptr(p, v) atomic_subtract_long((volatile u_long *)(p), (u_long)(v))
#define atomic_set_ptr(p, v) atomic_set_long((volatile u_long *)(p), (u_long)(v))
#define atomic_clear_ptr(p, v) atomic_clear_long((volatile u_long *)(p), (u_long)(v))

static inline void atomic_thread_fence_acq(void) { __atomic_thread_fence(__ATOMIC_ACQUIRE); }
static inline void atomic_thread_fence_rel(void) { __atomic_thread_fence(__ATOMIC_RELEASE); }
static inline void atomic_thread_fence_acq_rel(void) { __atomic_thread_fence(__ATOMIC_ACQ_REL); }
static inline void atomic_thread_fence_seq_cst(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

#endif
