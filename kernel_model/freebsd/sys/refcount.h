/*
 * FreeBSD <sys/refcount.h>: reference counts. Atomic as on hardware (one
 * simulated thread runs at a time and these are not scheduling points).
 * refcount_release returns true when it dropped the last reference.
 */
#ifndef _KS_FREEBSD_SYS_REFCOUNT_H
#define _KS_FREEBSD_SYS_REFCOUNT_H

#include <sys/types.h>
#include <sys/systm.h>

static inline void refcount_init(volatile u_int *count, u_int value)
{ __atomic_store_n(count, value, __ATOMIC_SEQ_CST); }
static inline u_int refcount_load(volatile u_int *count)
{ return __atomic_load_n(count, __ATOMIC_SEQ_CST); }
static inline u_int refcount_acquire(volatile u_int *count)
{ return __atomic_fetch_add(count, 1, __ATOMIC_SEQ_CST); }
static inline bool refcount_acquire_checked(volatile u_int *count)
{ u_int old = refcount_load(count);
  do { if (old == 0xffffffffu) return false; }
  while (!__atomic_compare_exchange_n(count, &old, old + 1, 0, __ATOMIC_SEQ_CST,
      __ATOMIC_SEQ_CST));
  return true; }
static inline bool refcount_acquire_if_not_zero(volatile u_int *count)
{ u_int old = refcount_load(count);
  do { if (old == 0) return false; }
  while (!__atomic_compare_exchange_n(count, &old, old + 1, 0, __ATOMIC_SEQ_CST,
      __ATOMIC_SEQ_CST));
  return true; }
static inline bool refcount_release(volatile u_int *count)
{ u_int old = __atomic_fetch_sub(count, 1, __ATOMIC_SEQ_CST);
  KASSERT(old > 0, ("refcount %p is zero", (void *)count));
  return old == 1; }
static inline bool refcount_release_if_not_last(volatile u_int *count)
{ u_int old = refcount_load(count);
  do { if (old == 1) return false; }
  while (!__atomic_compare_exchange_n(count, &old, old - 1, 0, __ATOMIC_SEQ_CST,
      __ATOMIC_SEQ_CST));
  return true; }
static inline bool refcount_release_if_last(volatile u_int *count)
{ u_int old = refcount_load(count);
  do { if (old != 1) return false; }
  while (!__atomic_compare_exchange_n(count, &old, 0, 0, __ATOMIC_SEQ_CST,
      __ATOMIC_SEQ_CST));
  return true; }

#endif
