/*
 * illumos <sys/sunddi.h>: the Solaris DDI. As on illumos it brings the DDI
 * types, dev_ops (and cb_ops), cmn_err, the device functions of
 * <sys/ddi_impldefs.h> (which bring <sys/ksynch.h>), the interrupt
 * interfaces, devmap, the data model, and declares the kernel's string
 * functions. Sections by subject; add yours as a new section.
 */
#ifndef _KS_ILLUMOS_SYS_SUNDDI_H
#define _KS_ILLUMOS_SYS_SUNDDI_H

#include <sys/types.h>
#include <sys/dditypes.h>
#include <sys/devops.h>
#include <sys/time_illumos.h>
#include <sys/cmn_err.h>
#include <sys/model.h>
#include <sys/cred.h>
#include <sys/file.h>
#include <sys/ksynch.h>
#include <sys/ddidevmap.h>
#include <kernsim/abi.h>

/* ---- device tree, minor nodes, soft state (sys/ddi_impldefs.h) ---- */

#include <sys/ddi_impldefs.h>

#define DDI_EAGAIN (-3)
#define DDI_EINVAL (-4)
#define DDI_ENOTSUP (-5)
#define DDI_EPENDING (-6)
#define DDI_ENOMEM 1
#define DDI_EBUSY 2
#define DDI_SLEEP 0
#define DDI_NOSLEEP 1

typedef enum {
	DDI_DEVSTATE_OFFLINE = -32,
	DDI_DEVSTATE_DOWN = -16,
	DDI_DEVSTATE_QUIESCED = 0,
	DDI_DEVSTATE_DEGRADED = 16,
	DDI_DEVSTATE_UP = 32
} ddi_devstate_t;

#ifdef __cplusplus
extern "C" {
#endif
/* Announces the device on the console ("<driver><instance> is /pseudo/..."). */
extern void ddi_report_dev(dev_info_t *);
/* the device's path, "/pseudo/<driver>@<instance>", into a MAXPATHLEN buffer */
extern char *ddi_pathname(dev_info_t *, char *);
/* raise a component's power (obsolete): a device is always powered here */
extern int ddi_dev_is_needed(dev_info_t *, int, int);
/* A driver's node is a child of the pseudo nexus ("pseudo", instance 0),
 * whose parent is the root node ("rootnex", node name "i86pc"); the root's
 * parent is NULL. Neither nexus has properties here. */
extern dev_info_t *ddi_root_node(void);
extern dev_info_t *ddi_get_parent(dev_info_t *);
/* the node, binding and driver names: the driver's name */
extern char *ddi_node_name(dev_info_t *);
extern char *ddi_binding_name(dev_info_t *);
extern char *ddi_get_name(dev_info_t *);
/* getinfo(9E) for a driver that has none: DDI_FAILURE */
extern int ddi_no_info(dev_info_t *, ddi_info_cmd_t, void *, void **);
extern ddi_devstate_t ddi_get_devstate(dev_info_t *);
/* 0: the system is not panicking (a panic ends the execution here) */
extern int ddi_in_panic(void);
/* whether the calling thread can take a signal: a process's can */
extern int ddi_can_receive_sig(void);
extern cred_t *ddi_get_cred(void);
/* the calling thread's id */
extern kt_did_t ddi_get_kt_did(void);
/* seconds of the virtual date (boot is KS_IL_BOOT_TIME) */
extern time_t ddi_get_time(void);
/* pages, as btop/btopr/ptob with the device's page size */
extern unsigned long ddi_btop(dev_info_t *, unsigned long);
extern unsigned long ddi_btopr(dev_info_t *, unsigned long);
extern unsigned long ddi_ptob(dev_info_t *, unsigned long);
/* lowest and highest set bit, 1-based; 0 for none */
extern int ddi_ffs(long);
extern int ddi_fls(long);
extern int ddi_ffsll(long long);
extern int ddi_flsll(long long);
#ifdef __cplusplus
}
#endif

/* the virtual date of boot, in seconds (kernsim/abi.h) */
#define KS_IL_BOOT_TIME KS_BOOT_TIME

/* ---- end device tree ---- */

/* ---- the kernel's string functions (the host C library's, which mean
 * the same; declared here as illumos declares them) and the DDI's ----
 * snprintf/vsnprintf return size_t on illumos and sprintf/vsprintf the
 * buffer; here they are the C library's int-returning ones (the same
 * values for every length a buffer can have).
 */

#ifndef __cplusplus
extern long strtol(const char *, char **, int);
extern unsigned long strtoul(const char *, char **, int);
extern size_t strlen(const char *);
extern size_t strnlen(const char *, size_t);
extern char *strcpy(char *, const char *);
extern char *strncpy(char *, const char *, size_t);
extern char *strcat(char *, const char *);
extern char *strncat(char *, const char *, size_t);
extern size_t strlcat(char *, const char *, size_t);
extern size_t strlcpy(char *, const char *, size_t);
extern char *strchr(const char *, int);
extern char *strrchr(const char *, int);
extern char *strstr(const char *, const char *);
extern int strcmp(const char *, const char *);
extern int strncmp(const char *, const char *, size_t);
extern int strcasecmp(const char *, const char *);
extern int strncasecmp(const char *, const char *, size_t);
extern size_t strspn(const char *, const char *);
extern size_t strcspn(const char *, const char *);
extern int bcmp(const void *, const void *, size_t);
extern void bcopy(const void *, void *, size_t);
extern void bzero(void *, size_t);
extern void *memcpy(void *, const void *, size_t);
extern void *memset(void *, int, size_t);
extern void *memmove(void *, const void *, size_t);
extern int memcmp(const void *, const void *, size_t);
extern void *memchr(const void *, int, size_t);
extern int snprintf(char *, size_t, const char *, ...) __attribute__((format(printf, 3, 4)));
extern int vsnprintf(char *, size_t, const char *, va_list) __attribute__((format(printf, 3, 0)));
extern int sprintf(char *, const char *, ...) __attribute__((format(printf, 2, 3)));
extern int vsprintf(char *, const char *, va_list) __attribute__((format(printf, 2, 0)));
#endif

#define DDI_STRSAME(s1, s2) ((*(s1) == *(s2)) && (strcmp((s1), (s2)) == 0))

#ifdef __cplusplus
extern "C" {
#endif
/* strtol and friends that return 0 or an errno (EINVAL, ERANGE) */
extern int ddi_strtol(const char *, char **, int, long *);
extern int ddi_strtoul(const char *, char **, int, unsigned long *);
extern int ddi_strtoll(const char *, char **, int, longlong_t *);
extern int ddi_strtoull(const char *, char **, int, u_longlong_t *);
/* a kmem copy (KM_SLEEP or KM_NOSLEEP), freed with strfree */
extern char *ddi_strdup(const char *, int);
/* the number at *str (advanced past it); numtos writes a number */
extern int stoi(char **);
extern void numtos(ulong_t, char *);
#ifdef __cplusplus
}
#endif

/* ---- end string functions ---- */

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

/* ---- properties of a dev_t (ddi_prop_update(9F), ddi_prop_lookup(9F),
 * ddi_prop_create(9F)), typed as illumos types them, kept with the
 * dev_info until removed ---- */

/* values and flags of illumos <sys/ddipropdefs.h> */
#define DDI_PROP_SUCCESS 0
#define DDI_PROP_NOT_FOUND 1
#define DDI_PROP_UNDEFINED 2
#define DDI_PROP_NO_MEMORY 3
#define DDI_PROP_INVAL_ARG 4
#define DDI_PROP_BUF_TOO_SMALL 5
#define DDI_PROP_CANNOT_DECODE 6
#define DDI_PROP_CANNOT_ENCODE 7
#define DDI_PROP_END_OF_DATA 8
#define DDI_PROP_DONTPASS 0x0001
#define DDI_PROP_CANSLEEP 0x0002
#define DDI_PROP_SYSTEM_DEF 0x0004
#define DDI_PROP_NOTPROM 0x0008
#define DDI_PROP_DONTSLEEP 0x0010
#define DDI_PROP_TYPE_INT 0x0100
#define DDI_PROP_TYPE_STRING 0x0200
#define DDI_PROP_TYPE_BYTE 0x0400
#define DDI_PROP_TYPE_COMPOSITE 0x0800
#define DDI_PROP_TYPE_INT64 0x1000
#define DDI_PROP_TYPE_ANY (DDI_PROP_TYPE_INT | DDI_PROP_TYPE_STRING | \
    DDI_PROP_TYPE_BYTE | DDI_PROP_TYPE_COMPOSITE)
#define DDI_PROP_TYPE_MASK (DDI_PROP_TYPE_ANY | DDI_PROP_TYPE_INT64)
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
extern int ddi_prop_get_int(dev_t, dev_info_t *, uint_t, char *, int);
extern int ddi_prop_exists(dev_t, dev_info_t *, uint_t, char *);
/* string properties; a lookup's copy is freed with ddi_prop_free */
extern int ddi_prop_update_string(dev_t, dev_info_t *, char *, char *);
extern int ddi_prop_lookup_string(dev_t, dev_info_t *, uint_t, char *, char **);
extern void ddi_prop_free(void *);
/* arrays; a lookup's copy is freed with ddi_prop_free. A property with no
 * value (a boolean) is DDI_PROP_END_OF_DATA to a lookup, 1 to
 * ddi_prop_get_int. */
extern int ddi_prop_lookup_byte_array(dev_t, dev_info_t *, uint_t, char *, uchar_t **,
    uint_t *);
extern int ddi_prop_update_byte_array(dev_t, dev_info_t *, char *, uchar_t *, uint_t);
extern int ddi_prop_lookup_int_array(dev_t, dev_info_t *, uint_t, char *, int **, uint_t *);
extern int ddi_prop_lookup_int64_array(dev_t, dev_info_t *, uint_t, char *, int64_t **,
    uint_t *);
extern int ddi_prop_lookup_string_array(dev_t, dev_info_t *, uint_t, char *, char ***,
    uint_t *);
extern int ddi_prop_update_int_array(dev_t, dev_info_t *, char *, int *, uint_t);
extern int ddi_prop_update_int64_array(dev_t, dev_info_t *, char *, int64_t *, uint_t);
extern int ddi_prop_update_string_array(dev_t, dev_info_t *, char *, char **, uint_t);
/* the older forms: untyped properties, and lookups of any type */
extern int ddi_getprop(dev_t, dev_info_t *, int, char *, int);
extern int ddi_prop_create(dev_t, dev_info_t *, int, char *, caddr_t, int);
extern int ddi_prop_modify(dev_t, dev_info_t *, int, char *, caddr_t, int);
extern int ddi_getproplen(dev_t, dev_info_t *, int, char *, int *);
extern int ddi_getlongprop(dev_t, dev_info_t *, int, char *, caddr_t, int *);
extern int ddi_getlongprop_buf(dev_t, dev_info_t *, int, char *, caddr_t, int *);
/* an explicit undefinition: lookups that find it answer DDI_PROP_UNDEFINED
 * until ddi_prop_remove */
extern int ddi_prop_undefine(dev_t, dev_info_t *, int, char *);
/*
 * A prop_op(9E) that answers the dynamic "Nblocks"/"nblocks" (in DEV_BSIZE
 * blocks) and "Size"/"size" (bytes) properties, 64-bit values, and passes
 * every other name to ddi_prop_op
 */
extern int ddi_prop_op_nblocks(dev_t, dev_info_t *, ddi_prop_op_t, int, char *,
    caddr_t, int *, uint64_t);
extern int ddi_prop_op_size(dev_t, dev_info_t *, ddi_prop_op_t, int, char *,
    caddr_t, int *, uint64_t);
extern int ddi_prop_op_nblocks_blksize(dev_t, dev_info_t *, ddi_prop_op_t, int,
    char *, caddr_t, int *, uint64_t, uint_t);
extern int ddi_prop_op_size_blksize(dev_t, dev_info_t *, ddi_prop_op_t, int,
    char *, caddr_t, int *, uint64_t, uint_t);
#ifdef __cplusplus
}
#endif

/* Lookups match the dev_t a property was created with, or any with
 * DDI_DEV_T_ANY. */

/* ---- end properties ---- */

/* ---- DDI task queues (ddi_taskq_create(9F)): the kernel's taskqs under
 * the DDI's names, named after the driver's spelling of the queue ---- */

typedef struct ddi_taskq ddi_taskq_t;
#define TASKQ_DEFAULTPRI (-1)

#ifdef __cplusplus
extern "C" {
#endif
extern ddi_taskq_t *ddi_taskq_create(dev_info_t *, const char *, int, pri_t, uint_t);
/* DDI_SUCCESS, or DDI_FAILURE when DDI_NOSLEEP could not queue */
extern int ddi_taskq_dispatch(ddi_taskq_t *, void (*)(void *), void *, uint_t);
extern void ddi_taskq_wait(ddi_taskq_t *);
extern void ddi_taskq_destroy(ddi_taskq_t *);
/* no task starts until ddi_taskq_resume; returns once running ones returned */
extern void ddi_taskq_suspend(ddi_taskq_t *);
extern void ddi_taskq_resume(ddi_taskq_t *);
extern boolean_t ddi_taskq_suspended(ddi_taskq_t *);
extern ddi_taskq_t *ks_il_ddi_taskq_create(dev_info_t *, const char *, int, const char *);
extern int ks_il_ddi_taskq_dispatch(ddi_taskq_t *, void (*)(void *), void *, uint_t,
    const char *);
#ifdef __cplusplus
}
#endif

#define ddi_taskq_create(dip, name, nthreads, pri, cflags) \
	ks_il_ddi_taskq_create((dip), (name), (nthreads), #name)
#define ddi_taskq_dispatch(tq, func, arg, dflags) \
	ks_il_ddi_taskq_dispatch((tq), (func), (arg), (dflags), #tq)
#define ddi_taskq_wait(tq) ks_taskq_wait((ks_taskq_t *)(tq), #tq)
#define ddi_taskq_destroy(tq) ks_taskq_destroy((ks_taskq_t *)(tq), #tq)
#define ddi_taskq_suspend(tq) ks_taskq_suspend((ks_taskq_t *)(tq), #tq)
#define ddi_taskq_resume(tq) ks_taskq_resume((ks_taskq_t *)(tq), #tq)
#define ddi_taskq_suspended(tq) ((boolean_t)ks_taskq_suspended((ks_taskq_t *)(tq), #tq))

/* ---- end DDI task queues ---- */

/* ---- periodic callouts (ddi_periodic_add(9F)): func(arg) every
 * interval_ns of virtual time, each run a callout in interrupt context;
 * ddi_periodic_delete cancels the next run and waits for a running one ---- */

typedef struct ks_il_periodic *ddi_periodic_t;
/* the interrupt level to run at: recorded nowhere, one context here */
#define DDI_IPL_0 0
#define DDI_IPL_1 1
#define DDI_IPL_2 2
#define DDI_IPL_3 3
#define DDI_IPL_4 4
#define DDI_IPL_5 5
#define DDI_IPL_6 6
#define DDI_IPL_7 7
#define DDI_IPL_8 8
#define DDI_IPL_9 9
#define DDI_IPL_10 10

#ifdef __cplusplus
extern "C" {
#endif
extern ddi_periodic_t ddi_periodic_add(void (*)(void *), void *, hrtime_t, int);
extern void ddi_periodic_delete(ddi_periodic_t);
extern ddi_periodic_t ks_il_periodic_add(void (*)(void *), void *, hrtime_t, const char *);
#ifdef __cplusplus
}
#endif

#define ddi_periodic_add(fn, arg, interval, level) \
	ks_il_periodic_add((fn), (arg), (interval), #fn)

/* ---- end periodic callouts ---- */

/* ---- power management is not modelled: a device is always at full
 * power, so the requests succeed and change nothing ---- */

#ifdef __cplusplus
extern "C" {
#endif
extern int pm_busy_component(dev_info_t *, int);
extern int pm_idle_component(dev_info_t *, int);
extern int pm_raise_power(dev_info_t *, int, int);
extern int pm_lower_power(dev_info_t *, int, int);
extern int pm_power_has_changed(dev_info_t *, int, int);
extern int ddi_removing_power(dev_info_t *);
#ifdef __cplusplus
}
#endif

/* ---- end power management ---- */

/* ---- kernel memory a driver may export (ddi_umem_alloc(9F)): zeroed,
 * page-rounded kmem; the cookie frees it ---- */

#define DDI_UMEM_SLEEP 0x0
#define DDI_UMEM_NOSLEEP 0x01
#define DDI_UMEM_PAGEABLE 0x02

#ifdef __cplusplus
extern "C" {
#endif
extern void *ddi_umem_alloc(size_t, int, ddi_umem_cookie_t *);
extern void ddi_umem_free(ddi_umem_cookie_t);
#ifdef __cplusplus
}
#endif

/* ---- user memory a driver locks (ddi_umem_lock(9F)): the calling
 * process's pages stay until ddi_umem_unlock; its munmap, mprotect and
 * exit wait for that (DESIGN.md, locked pages). umem_lockmemory, with a
 * cleanup callback the unmap runs, is in <sys/esunddi.h> ---- */

#ifdef __cplusplus
extern "C" {
#endif
extern int ddi_umem_lock(caddr_t, size_t, int, ddi_umem_cookie_t *);
extern void ddi_umem_unlock(ddi_umem_cookie_t);
#ifdef __cplusplus
}
#endif

/* ---- end umem ---- */

/* ---- poll(2): struct pollhead and the rules are in <sys/poll.h> ---- */

struct pollhead;
#ifdef __cplusplus
extern "C" {
#endif
extern void pollwakeup(struct pollhead *, short);
extern void pollhead_clean(struct pollhead *);
#ifdef __cplusplus
}
#endif

/* ---- end poll ---- */

#endif
