/*
 * illumos <sys/modctl.h>: module linkage. A driver's _init calls
 * mod_install(&modlinkage); the kernel model's module loader runs _init on
 * the modload thread and records the dev_ops it installs.
 */
#ifndef _KS_ILLUMOS_SYS_MODCTL_H
#define _KS_ILLUMOS_SYS_MODCTL_H

#include <sys/types.h>
#include <sys/devops.h>

struct mod_ops {
	int (*modm_install)();
	int (*modm_remove)();
	int (*modm_info)();
};

struct modldrv {
	struct mod_ops *drv_modops;
	const char *drv_linkinfo;
	struct dev_ops *drv_dev_ops;
};

/* A STREAMS module: its fmodsw (sys/conf.h) names it for I_PUSH. */
struct fmodsw;
struct modlstrmod {
	struct mod_ops *strmod_modops;
	const char *strmod_linkinfo;
	struct fmodsw *strmod_fmodsw;
};

struct modlmisc {
	struct mod_ops *misc_modops;
	const char *misc_linkinfo;
};

#define MODREV_1 1
#define MODMAXLINK 7

struct modlinkage {
	int ml_rev;
	void *ml_linkage[MODMAXLINK];
};

struct modinfo {
	int mi_info;
	int mi_state;
	int mi_id;
	int mi_nextid;
	caddr_t mi_base;
	size_t mi_size;
	int mi_rev;
	int mi_loadcnt;
	char mi_name[32];
};

#ifdef __cplusplus
extern "C" {
#endif
extern struct mod_ops mod_driverops;
extern struct mod_ops mod_miscops;
extern struct mod_ops mod_strmodops;
extern int mod_install(struct modlinkage *);
extern int mod_remove(struct modlinkage *);
extern int mod_info(struct modlinkage *, struct modinfo *);
#ifdef __cplusplus
}
#endif

#endif
