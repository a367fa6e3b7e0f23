/*
 * illumos <sys/types32.h>: the fixed-width types of a 32-bit caller's
 * structures, for a driver's ILP32 ioctl copies (ddi_model_convert_from).
 * A 32-bit address (caddr32_t) is unsigned, as on illumos: widened to a
 * pointer it never sign-extends.
 */
#ifndef _KS_ILLUMOS_SYS_TYPES32_H
#define _KS_ILLUMOS_SYS_TYPES32_H

#include <stdint.h>

typedef uint32_t caddr32_t;
typedef int32_t daddr32_t;
typedef int32_t off32_t;
typedef uint32_t ino32_t;
typedef int32_t blkcnt32_t;
typedef uint32_t fsblkcnt32_t;
typedef uint32_t fsfilcnt32_t;
typedef int32_t id32_t;
typedef uint32_t major32_t;
typedef uint32_t minor32_t;
typedef int32_t key32_t;
typedef uint32_t mode32_t;
typedef uint32_t uid32_t;
typedef uint32_t gid32_t;
typedef uint32_t nlink32_t;
typedef uint32_t dev32_t;
typedef int32_t pid32_t;
typedef uint32_t size32_t;
typedef int32_t ssize32_t;
typedef int32_t time32_t;
typedef int32_t clock32_t;

struct timeval32 {
	time32_t tv_sec;
	int32_t tv_usec;
};

typedef struct timespec32 {
	time32_t tv_sec;
	int32_t tv_nsec;
} timespec32_t;

typedef struct timespec32 timestruc32_t;

#endif
