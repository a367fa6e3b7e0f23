/*
 * The registration an illumos module has without writing one: kernsim
 * build-driver links this into a module whose sources have no
 * KS_ILLUMOS_DRIVER, compiled with KS_MODULE_NAME, the module's file name
 * (an illumos module's name is its file's). It names the module's _init
 * and _fini, which every illumos module defines, so the driver's source
 * needs nothing of kernsim's.
 */
#include <kernsim/abi.h>

extern int _init(void) __attribute__((weak));
extern int _fini(void) __attribute__((weak));

__attribute__((weak, visibility("default")))
const struct ks_driver_desc ks_module_auto = {
	KS_MODULE_NAME, "illumos", 0, _init, _fini, 0, KS_ABI_VERSION
};
