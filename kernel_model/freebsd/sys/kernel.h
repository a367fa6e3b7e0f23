/*
 * FreeBSD <sys/kernel.h>: hz, tick and ticks on virtual time, and the
 * SYSINIT and SYSUNINIT, run when the module is loaded and unloaded.
 */
#ifndef _KS_FREEBSD_SYS_KERNEL_H
#define _KS_FREEBSD_SYS_KERNEL_H

#include <sys/types.h>
#include <sys/linker_set.h>
#include <sys/systm.h>

#ifdef __cplusplus
extern "C" {
#endif
/* microseconds per tick (1000: hz is 1000) */
extern int tick;
#ifdef __cplusplus
}
#endif

/*
 * SYSINIT order: subsystem first, then order within it (the values are
 * FreeBSD's). A module's SYSINITs run at load, on its modload thread, in
 * that order, its DECLARE_MODULE's MOD_LOAD among them at the module's
 * own subsystem and order; its SYSUNINITs run in the reverse order after
 * a MOD_UNLOAD that succeeded (kernel_model/freebsd/module.cc).
 */
enum sysinit_sub_id {
	SI_SUB_DUMMY		= 0x0000000,
	SI_SUB_DONE		= 0x0000001,
	SI_SUB_TUNABLES		= 0x0700000,
	SI_SUB_COPYRIGHT	= 0x0800001,
	SI_SUB_VM		= 0x1000000,
	SI_SUB_KMEM		= 0x1800000,
	SI_SUB_WITNESS		= 0x1A80000,
	SI_SUB_LOCK		= 0x1B00000,
	SI_SUB_EVENTHANDLER	= 0x1C00000,
	SI_SUB_KLD		= 0x2000000,
	SI_SUB_CPU		= 0x2100000,
	SI_SUB_INTRINSIC	= 0x2200000,
	SI_SUB_RUN_QUEUE	= 0x2400000,
	SI_SUB_MBUF		= 0x2700000,
	SI_SUB_INTR		= 0x2800000,
	SI_SUB_SOFTINTR		= 0x2800001,
	SI_SUB_DEVFS		= 0x2F00000,
	SI_SUB_INIT_IF		= 0x3000000,
	SI_SUB_DRIVERS		= 0x3100000,
	SI_SUB_CONFIGURE	= 0x3800000,
	SI_SUB_VFS		= 0x4000000,
	SI_SUB_CLOCKS		= 0x4800000,
	SI_SUB_PSEUDO		= 0x7000000,
	SI_SUB_EXEC		= 0x7400000,
	SI_SUB_PROTO_BEGIN	= 0x8000000,
	SI_SUB_PROTO_END	= 0x8ffffff,
	SI_SUB_KICK_SCHEDULER	= 0xa000000,
	SI_SUB_INT_CONFIG_HOOKS	= 0xa800000,
	SI_SUB_ROOT_CONF	= 0xb000000,
	SI_SUB_SYSCALLS		= 0xd800000,
	SI_SUB_KTHREAD_INIT	= 0xe000000,
	SI_SUB_SMP		= 0xf000000,
	SI_SUB_LAST		= 0xfffffff
};
enum sysinit_elem_order {
	SI_ORDER_FIRST		= 0x0000000,
	SI_ORDER_SECOND		= 0x0000001,
	SI_ORDER_THIRD		= 0x0000002,
	SI_ORDER_FOURTH		= 0x0000003,
	SI_ORDER_FIFTH		= 0x0000004,
	SI_ORDER_SIXTH		= 0x0000005,
	SI_ORDER_SEVENTH	= 0x0000006,
	SI_ORDER_EIGHTH		= 0x0000007,
	SI_ORDER_MIDDLE		= 0x1000000,
	SI_ORDER_ANY		= 0xfffffff
};

typedef void (*sysinit_nfunc_t)(void *);
typedef void (*sysinit_cfunc_t)(const void *);

struct sysinit {
	enum sysinit_sub_id	subsystem;
	enum sysinit_elem_order	order;
	sysinit_cfunc_t		func;
	const void		*udata;
};

#define C_SYSINIT(uniquifier, subsystem, order, func, ident)		\
	static struct sysinit uniquifier##_sys_init = {			\
		subsystem, order, func, (ident)				\
	};								\
	DATA_WSET(sysinit_set, uniquifier##_sys_init)
#define SYSINIT(uniquifier, subsystem, order, func, ident)		\
	C_SYSINIT(uniquifier, subsystem, order,				\
	    (sysinit_cfunc_t)(sysinit_nfunc_t)(func), (void *)(ident))
#define C_SYSUNINIT(uniquifier, subsystem, order, func, ident)		\
	static struct sysinit uniquifier##_sys_uninit = {		\
		subsystem, order, func, (ident)				\
	};								\
	DATA_WSET(sysuninit_set, uniquifier##_sys_uninit)
#define SYSUNINIT(uniquifier, subsystem, order, func, ident)		\
	C_SYSUNINIT(uniquifier, subsystem, order,			\
	    (sysinit_cfunc_t)(sysinit_nfunc_t)(func), (void *)(ident))

#endif
