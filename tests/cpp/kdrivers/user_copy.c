/*
 * An ioctl handler written as an illumos driver writes it: STRUCT_DECL for
 * the caller's data model, ddi_copyin/ddi_copyout with the ioctl's mode (so
 * FKIOCTL callers work), copyinstr for a string the argument points at.
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/model.h>
#include <sys/cred.h>
#include <sys/file.h>
#include <sys/sunddi.h>
#include <string.h>

#include "user_copy.h"

int
uc_ioctl(intptr_t arg, int mode)
{
	STRUCT_DECL(uc_req, r);
	char name[16];
	size_t len;
	int err;

	STRUCT_INIT(r, mode & FMODELS);
	if (ddi_copyin((void *)arg, STRUCT_BUF(r), STRUCT_SIZE(r), mode) != 0)
		return (EFAULT);
	if (mode & FKIOCTL) {
		(void) strncpy(name, STRUCT_FGETP(r, name), sizeof (name) - 1);
		name[sizeof (name) - 1] = '\0';
	} else if ((err = copyinstr(STRUCT_FGETP(r, name), name, sizeof (name), &len)) != 0) {
		return (err);
	}
	STRUCT_FSET(r, out, STRUCT_FGET(r, in) * 2 + (int64_t)strlen(name));
	if (ddi_copyout(STRUCT_BUF(r), (void *)arg, STRUCT_SIZE(r), mode) != 0)
		return (EFAULT);
	return (0);
}

int64_t
uc_ioctl_nocopy(intptr_t arg)
{
	struct uc_req *r = (struct uc_req *)arg;

	return (r->in * 2);
}

int
uc_priv(void)
{
	return (drv_priv(CRED()));
}

uint32_t
uc_uid(void)
{
	return (crgetuid(CRED()));
}

int
uc_pid(void)
{
	return ((int)ddi_get_pid());
}
