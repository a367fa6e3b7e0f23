/*
 * FreeBSD <sys/module.h>: a module is its moduledata_t; the "freebsd"
 * loader calls its event handler with MOD_LOAD on the modload thread and
 * MOD_UNLOAD at teardown (after every open file was closed). A nonzero
 * MOD_LOAD is a load failure; a nonzero MOD_UNLOAD is a teardown failure.
 * DECLARE_MODULE only records the moduledata; the registration glue
 * (KS_FREEBSD_DRIVER in sys/kernsim.h) names it.
 */
#ifndef _KS_FREEBSD_SYS_MODULE_H
#define _KS_FREEBSD_SYS_MODULE_H

#include <sys/types.h>

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

/* DECLARE_MODULE's subsystem and order are SI_* of <sys/kernel.h>, as on FreeBSD */
#define DECLARE_MODULE(name, data, sub, order) \
	moduledata_t *const ks_fb_module_##name = &(data)
#define MODULE_VERSION(name, ver) \
	extern int ks_fb_module_version_##name
#define MODULE_DEPEND(name, dep, min, pref, max) \
	extern int ks_fb_module_depend_##name##_##dep

#endif
