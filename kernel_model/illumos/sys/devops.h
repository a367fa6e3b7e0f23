/* illumos <sys/devops.h>: a driver's device operations (autoconfiguration). */
#ifndef _KS_ILLUMOS_SYS_DEVOPS_H
#define _KS_ILLUMOS_SYS_DEVOPS_H

#include <sys/types.h>
#include <sys/dditypes.h>
#include <sys/conf.h>

struct bus_ops;

struct dev_ops {
	int devo_rev;
	int devo_refcnt;
	int (*devo_getinfo)(dev_info_t *dip, ddi_info_cmd_t infocmd, void *arg, void **result);
	int (*devo_identify)(dev_info_t *dip);
	int (*devo_probe)(dev_info_t *dip);
	int (*devo_attach)(dev_info_t *dip, ddi_attach_cmd_t cmd);
	int (*devo_detach)(dev_info_t *dip, ddi_detach_cmd_t cmd);
	int (*devo_reset)(dev_info_t *dip, ddi_reset_cmd_t cmd);
	struct cb_ops *devo_cb_ops;
	struct bus_ops *devo_bus_ops;
	int (*devo_power)(dev_info_t *dip, int component, int level);
	int (*devo_quiesce)(dev_info_t *dip);
};

#define DEVO_REV 4

#ifdef __cplusplus
extern "C" {
#endif
extern int ddi_quiesce_not_needed(dev_info_t *);
extern int ddi_quiesce_not_supported(dev_info_t *);
#ifdef __cplusplus
}
#endif

#endif
