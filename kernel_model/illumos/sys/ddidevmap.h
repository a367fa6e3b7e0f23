/*
 * illumos <sys/ddidevmap.h>: devmap(9E) over kernel memory from
 * ddi_umem_alloc(9F) is modelled (devmap_setup, ddi_devmap_segmap,
 * devmap_umem_setup, the devmap_map and devmap_unmap callbacks); device
 * registers (devmap_devmem_setup), the old segmap entry points
 * (ddi_segmap, ddi_segmap_setup), devmap_access and remapping are not: a
 * driver that reaches one gets "not_modelled:<function>", never a crash.
 */
#ifndef _KS_ILLUMOS_SYS_DDIDEVMAP_H
#define _KS_ILLUMOS_SYS_DDIDEVMAP_H

#include <sys/types.h>
#include <sys/dditypes.h>
#include <sys/conf.h>

struct as;
struct cred;
struct devmap_callback_ctl {
	int devmap_rev;
	int (*devmap_map)(devmap_cookie_t dhp, dev_t dev, uint_t flags, offset_t off,
	    size_t len, void **pvtp);
	int (*devmap_access)(devmap_cookie_t dhp, void *pvtp, offset_t off, size_t len,
	    uint_t type, uint_t rw);
	int (*devmap_dup)(devmap_cookie_t dhp, void *pvtp, devmap_cookie_t new_dhp,
	    void **new_pvtp);
	void (*devmap_unmap)(devmap_cookie_t dhp, void *pvtp, offset_t off, size_t len,
	    devmap_cookie_t new_dhp1, void **new_pvtp1, devmap_cookie_t new_dhp2,
	    void **new_pvtp2);
};
#define DEVMAP_OPS_REV 1
#define DEVMAP_DEFAULTS 0x00
#define DEVMAP_MAPPING_INVALID 0x01
#define DEVMAP_ALLOW_REMAP 0x02
#define DEVMAP_USE_PAGESIZE 0x04
typedef struct ddi_umem_cookie *ddi_umem_cookie_t;
typedef struct ddi_device_acc_attr ddi_device_acc_attr_t;

/*
 * ddi_umem_lock(9F)'s access flags and umem_lockmemory's cleanup callback
 * (<sys/esunddi.h>), as illumos's ddidevmap.h has them. The cleanup is
 * handed the cookie itself, cast to the pointer type declared here.
 */
#define DDI_UMEMLOCK_READ 0x01
#define DDI_UMEMLOCK_WRITE 0x02
#define UMEM_CALLBACK_VERSION 1
struct umem_callback_ops {
	int cbo_umem_callback_version;
	void (*cbo_umem_lock_cleanup)(ddi_umem_cookie_t *);
};

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
