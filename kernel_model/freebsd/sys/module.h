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

#ifndef _KS_FREEBSD_SI_SUB
#define _KS_FREEBSD_SI_SUB
enum { SI_SUB_DRIVERS = 0x3100000, SI_SUB_CONFIGURE = 0x3800000 };
enum { SI_ORDER_FIRST = 0, SI_ORDER_SECOND = 1, SI_ORDER_THIRD = 2,
	SI_ORDER_MIDDLE = 0x1000000, SI_ORDER_ANY = 0xfffffff };
#endif

#define DECLARE_MODULE(name, data, sub, order) \
	moduledata_t *const ks_fb_module_##name = &(data)
#define MODULE_VERSION(name, ver) \
	extern int ks_fb_module_version_##name
#define MODULE_DEPEND(name, dep, min, pref, max) \
	extern int ks_fb_module_depend_##name##_##dep

#endif
