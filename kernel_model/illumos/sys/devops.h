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

/*
 * A STREAMS driver's cb_ops and dev_ops in one line, as illumos
 * <sys/devops.h> defines it (ten arguments since quiesce(9E); checked in
 * illumos-gate usr/src/uts/common/sys/devops.h): the cb_ops is named
 * cb_<name>, its open and close are nulldev (the stream head calls the
 * streamtab's), every other entry nodev but chpoll (nochpoll) and
 * prop_op (ddi_prop_op).
 */
#define DDI_DEFINE_STREAM_OPS(XXname, XXidentify, XXprobe, XXattach, XXdetach, \
    XXreset, XXgetinfo, XXflag, XXstream_tab, XXquiesce)                         \
	static struct cb_ops cb_##XXname = {                                    \
		.cb_open = nulldev,                                             \
		.cb_close = nulldev,                                            \
		.cb_strategy = nodev,                                           \
		.cb_print = nodev,                                              \
		.cb_dump = nodev,                                               \
		.cb_read = nodev,                                               \
		.cb_write = nodev,                                              \
		.cb_ioctl = nodev,                                              \
		.cb_devmap = nodev,                                             \
		.cb_mmap = nodev,                                               \
		.cb_segmap = nodev,                                             \
		.cb_chpoll = nochpoll,                                          \
		.cb_prop_op = ddi_prop_op,                                      \
		.cb_str = (XXstream_tab),                                       \
		.cb_flag = (int)(XXflag),                                       \
		.cb_rev = CB_REV,                                               \
		.cb_aread = nodev,                                              \
		.cb_awrite = nodev,                                             \
	};                                                                      \
	static struct dev_ops XXname = {                                        \
		.devo_rev = DEVO_REV,                                           \
		.devo_refcnt = 0,                                               \
		.devo_getinfo = (XXgetinfo),                                    \
		.devo_identify = (XXidentify),                                  \
		.devo_probe = (XXprobe),                                        \
		.devo_attach = (XXattach),                                      \
		.devo_detach = (XXdetach),                                      \
		.devo_reset = (XXreset),                                        \
		.devo_cb_ops = &cb_##XXname,                                    \
		.devo_bus_ops = NULL,                                           \
		.devo_power = NULL,                                             \
		.devo_quiesce = (XXquiesce),                                    \
	}

#ifdef __cplusplus
extern "C" {
#endif
extern int ddi_quiesce_not_needed(dev_info_t *);
extern int ddi_quiesce_not_supported(dev_info_t *);
#ifdef __cplusplus
}
#endif

#endif
