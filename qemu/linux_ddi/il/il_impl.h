/* The illumos side's own pieces, shared by the files in il/. */
#ifndef KS_IL_IMPL_H
#define KS_IL_IMPL_H

#include <sys/types.h>
#include <sys/devops.h>

struct il_prop;

struct dev_info {
	int di_instance;
	major_t di_major;
	void *di_private;
	struct il_prop *di_props;	/* il_props.c */
	int di_nexus;			/* ddi_root_node, the pseudo nexus */
	const char *di_node_name;	/* a nexus's; a driver node's is the driver's */
	struct dev_info *di_parent;
};

extern struct dev_info il_dip;
struct dev_ops *il_dev_ops(void);

#endif
