/*
 * FreeBSD <sys/types.h>: the host's types (u_int, u_long, caddr_t ... are
 * there too), plus the kernel's own names the host lacks.
 */
#ifndef _KS_FREEBSD_SYS_TYPES_H
#define _KS_FREEBSD_SYS_TYPES_H

#include_next <sys/types.h>
#include <stddef.h>
#include <stdint.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif

typedef uintptr_t vm_offset_t;
typedef uint64_t vm_paddr_t;
typedef int64_t vm_ooffset_t;
typedef char vm_memattr_t;
typedef int64_t sbintime_t;
typedef uint64_t cap_rights_placeholder_t;

#ifndef NULL
#define NULL ((void *)0)
#endif

/* FreeBSD's kernel is built with -Wno-pointer-sign (sys/conf/kern.mk's
 * CWARNFLAGS, read): its drivers pass an int's address to the u_int
 * atomics and a char buffer to u_char arguments freely. Every driver
 * reaches this header, so its build here is as quiet as there. */
#ifndef __cplusplus
#pragma GCC diagnostic ignored "-Wpointer-sign"
#endif

#endif
