/*
 * assert() in a resource manager: a failed one is the kernel model's
 * assertion failure (a report naming the expression), never an abort of
 * the host.
 */
#ifndef _KS_QNX_ASSERT_H
#define _KS_QNX_ASSERT_H

#include <kernsim/abi.h>

#undef assert
#define assert(_e) \
	((_e) ? (void)0 : ks_assert_failed(#_e, __FILE__, __LINE__, __func__))

#endif
