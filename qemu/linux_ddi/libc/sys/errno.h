/* See ../README: Linux's numbers, as the simulator (on a Linux host) uses. */
#ifndef KS_LX_LIBC_SYS_ERRNO_H
#define KS_LX_LIBC_SYS_ERRNO_H
#include <asm-generic/errno.h>
#ifndef ENOTSUP
#define ENOTSUP EOPNOTSUPP
#endif
#endif
