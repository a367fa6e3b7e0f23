/*
 * illumos <sys/types.h>: the host's types, plus the kernel's own names.
 */
#ifndef _KS_ILLUMOS_SYS_TYPES_H
#define _KS_ILLUMOS_SYS_TYPES_H

/*
 * illumos's id_t (a process, group or id-space id) is a signed int, where
 * glibc's is unsigned: id_alloc's -1 must compare equal to -1. glibc
 * defines its own only where __id_t_defined is not.
 */
#include <sys/isa_defs.h>

#ifndef __id_t_defined
typedef int id_t;
#define __id_t_defined
#endif
#include_next <sys/types.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types32.h>

typedef unsigned char uchar_t;
typedef unsigned short ushort_t;
typedef unsigned int uint_t;
typedef unsigned long ulong_t;
typedef long long longlong_t;
typedef unsigned long long u_longlong_t;
typedef char *caddr_t;
typedef uint32_t major_t;
typedef uint32_t minor_t;
typedef long long offset_t;
typedef unsigned long long diskaddr_t;
typedef long long hrtime_t;
typedef int processorid_t;
typedef int zoneid_t;
typedef uint64_t kt_did_t;	/* a kernel thread's id */
typedef unsigned long pgcnt_t;
typedef unsigned long long u_offset_t;
typedef unsigned long pfn_t;
typedef short index_t;	/* a bitmap index (bt_availbit) */
#ifndef _KS_ILLUMOS_PRI_T
#define _KS_ILLUMOS_PRI_T
typedef short pri_t;
#endif

typedef enum { B_FALSE = 0, B_TRUE = 1 } boolean_t;

#ifndef NULL
#define NULL ((void *)0)
#endif

#endif
