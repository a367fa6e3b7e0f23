/* See ../README. */
#ifndef KS_LX_LIBC_SYS_PARAM_H
#define KS_LX_LIBC_SYS_PARAM_H
#include <sys/types.h>
#include <limits.h>
#define NBBY 8
#define MAXPATHLEN 4096
#endif
