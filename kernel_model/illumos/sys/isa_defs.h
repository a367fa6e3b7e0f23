/*
 * illumos <sys/isa_defs.h> for amd64, the machine a driver here is built
 * for, and the kernel build's own defines (usr/src/uts's Makefiles pass
 * -D_KERNEL -D_SYSCALL32 -D_SYSCALL32_IMPL to every kernel source): a
 * driver's `#ifdef _KERNEL` half of its shared header, and its
 * `#ifdef _MULTI_DATAMODEL` / `_SYSCALL32` code for 32-bit callers, compile
 * in as on illumos. <sys/types.h> brings this, as on illumos.
 */
#ifndef _KS_ILLUMOS_SYS_ISA_DEFS_H
#define _KS_ILLUMOS_SYS_ISA_DEFS_H

#ifndef _KERNEL
#define _KERNEL
#endif
#ifndef _SYSCALL32
#define _SYSCALL32
#endif
#ifndef _SYSCALL32_IMPL
#define _SYSCALL32_IMPL
#endif

#ifndef __amd64
#define __amd64
#endif
#ifndef __x86
#define __x86
#endif
#ifndef _LP64
#define _LP64
#endif
#define _LITTLE_ENDIAN
#define _STACK_GROWS_DOWNWARD
#define _LONG_LONG_LTOH
#define _BIT_FIELDS_LTOH
#define _IEEE_754
#define _CHAR_IS_SIGNED
#define _BOOL_ALIGNMENT 1
#define _CHAR_ALIGNMENT 1
#define _SHORT_ALIGNMENT 2
#define _INT_ALIGNMENT 4
#define _FLOAT_ALIGNMENT 4
#define _LONG_ALIGNMENT 8
#define _LONG_LONG_ALIGNMENT 8
#define _DOUBLE_ALIGNMENT 8
#define _POINTER_ALIGNMENT 8
#define _MAX_ALIGNMENT 16
#define _ALIGNMENT_REQUIRED 1
/* the i386 ABI of a 32-bit caller: 8-byte integers 4-aligned */
#define _LONG_LONG_ALIGNMENT_32 4
#define _MULTI_DATAMODEL
#define _SUNOS_VTOC_16

#endif
