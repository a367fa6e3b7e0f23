/* See ../README. */
#ifndef KS_LX_LIBC_SYS_UIO_H
#define KS_LX_LIBC_SYS_UIO_H
#include <sys/types.h>
struct iovec {
	void *iov_base;
	size_t iov_len;
};
#endif
