/*
 * illumos <sys/ddidevmap.h> and the segmap entry points (ddi_segmap(9F),
 * devmap_setup(9F) ...): mapping device memory into a process is not
 * modelled (there is no device memory, and mmap(2) of a device node does
 * not reach segmap). A driver that reaches one of these gets a reported
 * failure, "not_modelled:<function>", never a crash or a silent success.
 */
#ifndef _KS_ILLUMOS_SYS_DDIDEVMAP_H
#define _KS_ILLUMOS_SYS_DDIDEVMAP_H

#include <sys/types.h>
#include <sys/dditypes.h>
#include <sys/conf.h>

struct as;
struct cred;
struct devmap_callback_ctl;
typedef struct ddi_umem_cookie *ddi_umem_cookie_t;
typedef struct ddi_device_acc_attr ddi_device_acc_attr_t;

#ifdef __cplusplus
extern "C" {
#endif
extern int ddi_segmap(dev_t, off_t, struct as *, caddr_t *, off_t, uint_t, uint_t, uint_t,
    struct cred *);
extern int ddi_segmap_setup(dev_t, off_t, struct as *, caddr_t *, off_t, uint_t, uint_t,
    uint_t, struct cred *, ddi_device_acc_attr_t *, uint_t);
extern int ddi_devmap_segmap(dev_t, off_t, struct as *, caddr_t *, off_t, uint_t, uint_t,
    uint_t, struct cred *);
extern int devmap_setup(dev_t, offset_t, struct as *, caddr_t *, size_t, uint_t, uint_t,
    uint_t, struct cred *);
extern int devmap_devmem_setup(devmap_cookie_t, dev_info_t *, struct devmap_callback_ctl *,
    uint_t, offset_t, size_t, uint_t, uint_t, ddi_device_acc_attr_t *);
extern int devmap_umem_setup(devmap_cookie_t, dev_info_t *, struct devmap_callback_ctl *,
    ddi_umem_cookie_t, offset_t, size_t, uint_t, uint_t, ddi_device_acc_attr_t *);
extern int devmap_load(devmap_cookie_t, offset_t, size_t, uint_t, uint_t);
extern int devmap_unload(devmap_cookie_t, offset_t, size_t);
#ifdef __cplusplus
}
#endif

#endif
