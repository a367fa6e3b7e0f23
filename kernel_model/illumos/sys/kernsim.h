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
 * KS_ILLUMOS_DRIVER(sample, sample_variants) registers the module: it
 * defines `ks_module`, which kernsim looks up after loading the file and
 * which names the module's _init and _fini. `variants`: NULL-terminated
 * name, description pairs (or NULL). A module is built with kernsim
 * build-driver (or kernsim_add_driver in CMake), which keeps the ELF
 * loader from taking _init for its own.
 */
#define KS_ILLUMOS_DRIVER(drv, variants)                                      \
	extern int _init(void);                                               \
	extern int _fini(void);                                               \
	__attribute__((visibility("default")))                                \
	const struct ks_driver_desc ks_module = {                             \
		#drv, "illumos", (variants), _init, _fini, (void *)0,         \
		KS_ABI_VERSION }

#endif
