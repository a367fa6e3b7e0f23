/*
 * kernsim's one addition to a driver's view of illumos: run-time selection
 * of the bug variants a driver ships (`kernsim explore --variant NAME`).
 * KS_VARIANT(drv, name) is true when that variant is selected in this World.
 */
#ifndef _KS_ILLUMOS_SYS_KERNSIM_H
#define _KS_ILLUMOS_SYS_KERNSIM_H

#include <kernsim/abi.h>

#define KS_VARIANT(drv, name) ks_variant((drv), (name))
#define KS_PREEMPT() ks_preempt()

#endif
