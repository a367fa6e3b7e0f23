/*
 * The DDI's device functions (minor nodes, instances, driver-private data,
 * soft state), declared here and included by <sys/sunddi.h>, so a driver that
 * includes sunddi.h sees them as on illumos.
 */
#ifndef _KS_ILLUMOS_SYS_DDI_IMPLDEFS_H
#define _KS_ILLUMOS_SYS_DDI_IMPLDEFS_H

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/dditypes.h>
#include <sys/mkdev.h>
#include <sys/ksynch.h>
#include <sys/ddi_intr.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Creates /dev/<name> (spec_type S_IFCHR or S_IFBLK) for minor `minor`. */
extern int ddi_create_minor_node(dev_info_t *dip, const char *name, int spec_type,
    minor_t minor, const char *node_type, int flag);
/*
 * The same with a device policy: opening for reading needs privilege
 * rdpriv, for writing wrpriv (NULL: none); with PRIVONLY_DEV in flag the
 * node's mode is not checked. priv_mode is its mode when /etc/minor_perm
 * gives none.
 */
extern int ddi_create_priv_minor_node(dev_info_t *dip, const char *name, int spec_type,
    minor_t minor, const char *node_type, int flag, const char *rdpriv, const char *wrpriv,
    mode_t priv_mode);
/* Removes the node `name`, or every node of dip when name is NULL. */
extern void ddi_remove_minor_node(dev_info_t *dip, const char *name);
extern int ddi_get_instance(dev_info_t *dip);
extern void *ddi_get_driver_private(dev_info_t *dip);
extern void ddi_set_driver_private(dev_info_t *dip, void *data);
extern const char *ddi_driver_name(dev_info_t *dip);
extern major_t ddi_driver_major(dev_info_t *dip);

/* Soft state: per-instance zeroed structures, indexed by instance number. */
extern int ddi_soft_state_init(void **state_p, size_t size, size_t n_items);
extern int ddi_soft_state_zalloc(void *state, int item);
extern void *ddi_get_soft_state(void *state, int item);
extern void ddi_soft_state_free(void *state, int item);
extern void ddi_soft_state_fini(void **state_p);

#ifdef __cplusplus
}
#endif

#endif
