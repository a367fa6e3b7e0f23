/*
 * kernsim's additions to a driver's view of illumos: run-time selection of
 * the bug variants a driver ships (`kernsim explore --variant NAME`), an
 * explicit preemption point, and the registration glue.
 * KS_VARIANT(drv, name) is true when that variant is selected in this World.
 */
#ifndef _KS_ILLUMOS_SYS_KERNSIM_H
#define _KS_ILLUMOS_SYS_KERNSIM_H

#include <kernsim/abi.h>

#define KS_VARIANT(drv, name) ks_variant((drv), (name))
#define KS_PREEMPT() ks_preempt()

/*
 * KS_ILLUMOS_DRIVER(sample, sample_variants) defines the driver's
 * registration, `ks_driver_sample`, naming its module entry points. Every
 * illumos module defines _init and _fini (and the ELF _init would collide),
 * so the build renames them per driver: -D_init=<name>__init
 * -D_fini=<name>__fini -D_info=<name>__info; the names below expand the same
 * way. `variants`: NULL-terminated name, description pairs (or NULL).
 */
#define KS_ILLUMOS_DRIVER(drv, variants)                                      \
	extern int _init(void);                                               \
	extern int _fini(void);                                               \
	const struct ks_driver_desc ks_driver_##drv = {                       \
		#drv, "illumos", (variants), _init, _fini, (void *)0 }

#endif
