/*
 * illumos <sys/ccompile.h>: the compiler-attribute shorthands illumos code
 * writes (__NORETURN, __PRINTFLIKE(n), __GNU_UNUSED ...). Names and
 * meanings from illumos-gate's header (read); the later BSD-style
 * shorthands (__unused, __packed, __aligned) from memory, each only where
 * the host's headers have not defined it.
 */
#ifndef _KS_ILLUMOS_SYS_CCOMPILE_H
#define _KS_ILLUMOS_SYS_CCOMPILE_H

#define __GNUC_VERSION (__GNUC__ * 10000 + __GNUC_MINOR__ * 100 + __GNUC_PATCHLEVEL__)

#define __sun_attr___PRINTFLIKE__(n) __attribute__((__format__(printf, n, (n) + 1)))
#define __sun_attr___VPRINTFLIKE__(n) __attribute__((__format__(printf, n, 0)))
/*
 * The kernel's printf family takes %b, which GCC's printf checking refuses:
 * illumos checks it with its own GCC's cmn_err format, which the host's GCC
 * lacks, so the kernel forms are not checked here.
 */
#define __sun_attr___KPRINTFLIKE__(n)
#define __sun_attr___KVPRINTFLIKE__(n)
#define __sun_attr___noreturn__ __attribute__((__noreturn__))
#define __sun_attr___gnu_inline__ __attribute__((__gnu_inline__))
#define __sun_attr___returns_twice__ __attribute__((__returns_twice__))
#define __sun_attr___pure__ __attribute__((__pure__))
#define __sun_attr___const__ __attribute__((__const__))
#define __sun_attr___packed__ __attribute__((__packed__))
#define __sun_attr___unused__ __attribute__((__unused__))
#define ___sun_attr_inner(a) __sun_attr_##a
#define __sun_attr__(a) ___sun_attr_inner a

#define __PRINTFLIKE(n) __sun_attr__((__PRINTFLIKE__(n)))
#define __VPRINTFLIKE(n) __sun_attr__((__VPRINTFLIKE__(n)))
#define __KPRINTFLIKE(n) __sun_attr__((__KPRINTFLIKE__(n)))
#define __KVPRINTFLIKE(n) __sun_attr__((__KVPRINTFLIKE__(n)))
#define __NORETURN __sun_attr__((__noreturn__))
#define __GNU_INLINE __inline__ __sun_attr__((__gnu_inline__))
#define __RETURNS_TWICE __sun_attr__((__returns_twice__))
#define __CONST __sun_attr__((__const__))
#define __PURE __sun_attr__((__pure__))
#define __GNU_UNUSED __sun_attr__((__unused__))

#ifndef __unused
#define __unused __attribute__((__unused__))
#endif
#ifndef __used
#define __used __attribute__((__used__))
#endif
#ifndef __packed
#define __packed __attribute__((__packed__))
#endif
#ifndef __aligned
#define __aligned(x) __attribute__((__aligned__(x)))
#endif
#ifndef __section
#define __section(x) __attribute__((__section__(x)))
#endif
#ifndef __HIDDEN
#define __HIDDEN __attribute__((__visibility__("hidden")))
#endif

#endif
