/*
 * kernsim's additions to a driver's view of FreeBSD: run-time selection of
 * the bug variants a driver ships, an explicit preemption point, and the
 * registration glue. KS_FREEBSD_DRIVER(ctl_ioctl, variants, ctl_moduledata)
 * defines `ks_module`, which kernsim looks up after loading the file; the
 * module is that moduledata_t (its event handler gets MOD_LOAD and
 * MOD_UNLOAD). variants: NULL-terminated name, description pairs (or NULL).
 */
#ifndef _KS_FREEBSD_SYS_KERNSIM_H
#define _KS_FREEBSD_SYS_KERNSIM_H

#include <kernsim/abi.h>
#include <sys/module.h>

#define KS_VARIANT(drv, name) ks_variant((drv), (name))
#define KS_PREEMPT() ks_preempt()

#define KS_FREEBSD_DRIVER(drv, variants, moddata)				\
	__attribute__((visibility("default")))					\
	const struct ks_driver_desc ks_module = {				\
		#drv, "freebsd", (variants), 0, 0, (void *)&(moddata),		\
		KS_ABI_VERSION }

#endif
