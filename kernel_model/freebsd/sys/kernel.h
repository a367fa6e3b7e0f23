/*
 * FreeBSD <sys/kernel.h>: hz, tick and ticks on virtual time, and the
 * SYSINIT subsystem and order constants module declarations use.
 * SYSINIT itself (run a function at boot) is not modelled: a module's
 * MOD_LOAD handler is its only start-up hook here, and a SYSINIT or
 * SYSUNINIT fails to compile with a message that says so.
 */
#ifndef _KS_FREEBSD_SYS_KERNEL_H
#define _KS_FREEBSD_SYS_KERNEL_H

#include <sys/types.h>
#include <sys/systm.h>

#ifdef __cplusplus
extern "C" {
#endif
/* microseconds per tick (1000: hz is 1000) */
extern int tick;
#ifdef __cplusplus
}
#endif

enum { SI_SUB_DRIVERS = 0x3100000, SI_SUB_CONFIGURE = 0x3800000 };

/* Not modelled: said at compile time, where the driver asks for it. */
#define SYSINIT(uniquifier, subsystem, order, func, ident)			\
	_Static_assert(0, "kernsim: SYSINIT is not modelled; start the driver "	\
	    "from its module's MOD_LOAD handler")
#define SYSUNINIT(uniquifier, subsystem, order, func, ident)			\
	_Static_assert(0, "kernsim: SYSUNINIT is not modelled; stop the driver "\
	    "in its module's MOD_UNLOAD handler")
enum { SI_ORDER_FIRST = 0, SI_ORDER_SECOND = 1, SI_ORDER_THIRD = 2,
	SI_ORDER_MIDDLE = 0x1000000, SI_ORDER_ANY = 0xfffffff };

#endif
