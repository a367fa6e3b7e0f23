/* The illumos side's own pieces, shared by the files in il/. */
#ifndef KS_IL_IMPL_H
#define KS_IL_IMPL_H

#include <sys/types.h>
#include <sys/devops.h>

struct dev_info {
	int di_instance;
	major_t di_major;
	void *di_private;
};

extern struct dev_info il_dip;
struct dev_ops *il_dev_ops(void);

#endif
