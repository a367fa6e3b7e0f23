/*
 * illumos <sys/debug.h>. Drivers run here as DEBUG kernels do: ASSERT is on.
 * A failed assertion is a panic report, never a host abort.
 */
#ifndef _KS_ILLUMOS_SYS_DEBUG_H
#define _KS_ILLUMOS_SYS_DEBUG_H

#include <kernsim/abi.h>

#define VERIFY(EX) ((void)((EX) || (ks_assert_failed(#EX, __FILE__, __LINE__, __func__), 0)))
#define ASSERT(EX) VERIFY(EX)
#define VERIFY0(EX) VERIFY((EX) == 0)
#define ASSERT0(EX) VERIFY((EX) == 0)
#define VERIFY3U(L, OP, R) VERIFY((uint64_t)(L) OP (uint64_t)(R))
#define VERIFY3S(L, OP, R) VERIFY((int64_t)(L) OP (int64_t)(R))
#define VERIFY3P(L, OP, R) VERIFY((uintptr_t)(L) OP (uintptr_t)(R))
#define ASSERT3U(L, OP, R) VERIFY3U(L, OP, R)
#define ASSERT3S(L, OP, R) VERIFY3S(L, OP, R)
#define ASSERT3P(L, OP, R) VERIFY3P(L, OP, R)
#define IMPLY(A, B) ASSERT(!(A) || (B))
#define EQUIV(A, B) ASSERT(!!(A) == !!(B))
#define CTASSERT(x) _Static_assert((x), #x)
/* illumos's kernel assert(9F): ASSERT under another name */
#ifndef assert
#define assert(EX) ASSERT(EX)
#endif

#endif
