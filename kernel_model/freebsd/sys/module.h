/*
 * FreeBSD <sys/module.h>: a module is its moduledata_t; the "freebsd"
 * loader calls its event handler with MOD_LOAD on the modload thread and
 * MOD_UNLOAD at teardown (after every open file was closed). A nonzero
 * MOD_LOAD is a load failure; a nonzero MOD_UNLOAD is a teardown failure.
 * DECLARE_MODULE (or DEV_MODULE, <sys/conf.h>) registers the module with
 * kernsim; KS_FREEBSD_DRIVER (sys/kernsim.h) may name it instead, with the
 * driver's bug variants.
 */
#ifndef _KS_FREEBSD_SYS_MODULE_H
#define _KS_FREEBSD_SYS_MODULE_H

#include <sys/types.h>
#include <sys/kernel.h>
#include <kernsim/abi.h>

typedef struct module *module_t;

typedef enum modeventtype {
	MOD_LOAD,
	MOD_UNLOAD,
	MOD_SHUTDOWN,
	MOD_QUIESCE
} modeventtype_t;

typedef int (*modeventhand_t)(module_t, int, void *);

typedef struct moduledata {
	const char *name;
	modeventhand_t evhand;
	void *priv;
} moduledata_t;

#ifdef __cplusplus
extern "C" {
#endif
/* The SYSINIT a DECLARE_MODULE makes: the module's MOD_LOAD, in its turn. */
void module_register_init(const void *data);
#ifdef __cplusplus
}
#endif

/*
 * DECLARE_MODULE's subsystem and order are SI_* of <sys/kernel.h>, as on
 * FreeBSD: its MOD_LOAD is a SYSINIT there, run in that order with the
 * module's other SYSINITs. In a module whose source has no
 * KS_FREEBSD_DRIVER, build-driver defines KS_MODULE_NAME and
 * DECLARE_MODULE is then also the module's registration (ks_module_auto).
 */
#ifdef KS_MODULE_NAME
#define DECLARE_MODULE(name, data, sub, order)					\
	moduledata_t *const ks_fb_module_##name = &(data);			\
	C_SYSINIT(name##module, sub, order, module_register_init, &(data));	\
	__attribute__((weak, visibility("default")))				\
	const struct ks_driver_desc ks_module_auto = {				\
		#name, "freebsd", 0, 0, 0, (void *)&(data), KS_ABI_VERSION }
#else
#define DECLARE_MODULE(name, data, sub, order)				\
	moduledata_t *const ks_fb_module_##name = &(data);		\
	C_SYSINIT(name##module, sub, order, module_register_init, &(data))
#endif
#define MODULE_VERSION(name, ver) \
	extern int ks_fb_module_version_##name
#define MODULE_DEPEND(name, dep, min, pref, max) \
	extern int ks_fb_module_depend_##name##_##dep

#endif
