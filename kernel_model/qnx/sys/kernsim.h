/*
 * kernsim's additions to a QNX resource manager: bug variants chosen at
 * run time and the registration glue. A resource manager is a process
 * whose main() sets up its dispatch, attaches and starts its thread pool;
 * here that set-up is `start` (it must return once the pool runs) and
 * `stop` undoes it at teardown (detach, destroy the pool and dispatch).
 * KS_QNX_DRIVER(qnx_devctl, variants, qd_start, qd_stop) defines
 * `ks_module`. variants: NULL-terminated name, description pairs (or NULL).
 */
#ifndef _KS_QNX_SYS_KERNSIM_H
#define _KS_QNX_SYS_KERNSIM_H

#include <kernsim/abi.h>

#define KS_VARIANT(drv, name) ks_variant((drv), (name))
#define KS_PREEMPT() ks_preempt()

#define KS_QNX_DRIVER(drv, variants, start, stop)				\
	__attribute__((visibility("default")))					\
	const struct ks_driver_desc ks_module = {				\
		#drv, "qnx", (variants), (start), (stop), 0, KS_ABI_VERSION }

#endif
