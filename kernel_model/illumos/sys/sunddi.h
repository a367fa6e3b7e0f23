/*
 * illumos <sys/sunddi.h>: the Solaris DDI. Sections by subject; add yours as
 * a new section.
 */
#ifndef _KS_ILLUMOS_SYS_SUNDDI_H
#define _KS_ILLUMOS_SYS_SUNDDI_H

#include <sys/types.h>
#include <sys/model.h>
#include <sys/cred.h>
#include <sys/file.h>
#include <kernsim/abi.h>

/* ---- device tree, minor nodes, soft state (sys/ddi_impldefs.h) ---- */

#include <sys/ddi_impldefs.h>

/* ---- end device tree ---- */

/* ---- user memory and the caller's data model ----
 * A user pointer a driver holds (void *, caddr_t, intptr_t) carries the
 * simulated user address. ddi_copyin/ddi_copyout return 0 or -1 (the driver
 * returns EFAULT); with FKIOCTL in `flags` the "user" buffer is kernel
 * memory (a layered ioctl) and the copy is a plain memcpy. copyin/copyout
 * return 0 or -1 too (copyin(9F)); copyinstr/copyoutstr 0, EFAULT or
 * ENAMETOOLONG.
 */

#define DDI_MODEL_MASK DATAMODEL_MASK
#define DDI_MODEL_ILP32 DATAMODEL_ILP32
#define DDI_MODEL_LP64 DATAMODEL_LP64
#define DDI_MODEL_NATIVE DATAMODEL_NATIVE
#define DDI_MODEL_NONE DATAMODEL_NONE

#ifdef __cplusplus
extern "C" {
#endif

extern int ddi_copyin(const void *buf, void *driverbuf, size_t cn, int flags);
extern int ddi_copyout(const void *driverbuf, void *buf, size_t cn, int flags);
extern int copyin(const void *userbuf, void *driverbuf, size_t cn);
extern int copyout(const void *driverbuf, void *userbuf, size_t cn);
extern int copyinstr(const char *uaddr, char *kaddr, size_t maxlength, size_t *lencopied);
extern int copyoutstr(const char *kaddr, char *uaddr, size_t maxlength, size_t *lencopied);
/* DDI_MODEL_ILP32 for a 32-bit caller, else DDI_MODEL_NONE (no conversion) */
extern uint_t ddi_model_convert_from(model_t model);
extern pid_t ddi_get_pid(void);

#ifdef __cplusplus
}
#endif

/* ---- end user memory ---- */

/* ---- properties: 64-bit integer properties of a dev_t (lofi's "Size",
 * "Nblocks"), kept with the dev_info until removed ---- */

#define DDI_PROP_SUCCESS 0
#define DDI_PROP_NOT_FOUND 1
#define DDI_PROP_INVAL_ARG 4
#define DDI_PROP_DONTPASS 0x0001
#define DDI_DEV_T_NONE ((dev_t)-1)
#define DDI_DEV_T_ANY ((dev_t)-2)

#ifdef __cplusplus
extern "C" {
#endif
extern int ddi_prop_update_int64(dev_t, dev_info_t *, char *, int64_t);
extern int ddi_prop_update_int(dev_t, dev_info_t *, char *, int);
extern int64_t ddi_prop_get_int64(dev_t, dev_info_t *, uint_t, char *, int64_t);
extern int ddi_prop_remove(dev_t, dev_info_t *, char *);
extern void ddi_prop_remove_all(dev_info_t *);
#ifdef __cplusplus
}
#endif

/* ---- end properties ---- */

#endif
