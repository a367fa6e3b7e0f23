/*-
 * fbperm (tests/python/test_node_perm.py): devices whose devfs entries
 * carry the owner, group and mode their make_dev call gives, as FreeBSD
 * drivers make them:
 *
 *	fbperm_root	make_dev_s, root wheel 0600
 *	fbperm_grp	make_dev, root operator 0660
 *	fbperm_pub	make_dev_p, root wheel 0644
 *	fbperm_zero	make_dev_s with make_dev_args_init's defaults: 0000
 *
 * Each open that reaches d_open says so on the console, so a test can
 * tell an open devfs refused from one the driver did.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/module.h>
#include <sys/conf.h>
#include <sys/proc.h>
#include <sys/ucred.h>

#define	GID_OPERATOR_FB	5

static struct cdev *perm_root, *perm_grp, *perm_pub, *perm_zero;

static int
perm_open(struct cdev *dev, int oflags __unused, int devtype __unused,
    struct thread *td)
{
	printf("fbperm: open of %s by uid %d\n", devtoname(dev),
	    (int)td->td_ucred->cr_uid);
	return (0);
}

static struct cdevsw perm_cdevsw = {
	.d_version =	D_VERSION,
	.d_open =	perm_open,
	.d_name =	"fbperm",
};

static int
perm_make(struct cdev **cdev, const char *name, int mode)
{
	struct make_dev_args args;

	make_dev_args_init(&args);
	args.mda_devsw = &perm_cdevsw;
	if (mode >= 0) {
		args.mda_uid = UID_ROOT;
		args.mda_gid = GID_WHEEL;
		args.mda_mode = mode;
	}
	return (make_dev_s(&args, cdev, "%s", name));
}

static void
perm_destroy(void)
{
	if (perm_root != NULL)
		destroy_dev(perm_root);
	if (perm_grp != NULL)
		destroy_dev(perm_grp);
	if (perm_pub != NULL)
		destroy_dev(perm_pub);
	if (perm_zero != NULL)
		destroy_dev(perm_zero);
}

static int
perm_modevent(module_t mod __unused, int type, void *data __unused)
{
	int error;

	switch (type) {
	case MOD_LOAD:
		error = perm_make(&perm_root, "fbperm_root", 0600);
		if (error == 0) {
			perm_grp = make_dev(&perm_cdevsw, 0, UID_ROOT,
			    GID_OPERATOR_FB, 0660, "fbperm_grp");
			error = make_dev_p(MAKEDEV_CHECKNAME | MAKEDEV_WAITOK,
			    &perm_pub, &perm_cdevsw, NULL, UID_ROOT, GID_WHEEL,
			    0644, "fbperm_pub");
		}
		if (error == 0)
			error = perm_make(&perm_zero, "fbperm_zero", -1);
		return (error);
	case MOD_UNLOAD:
		perm_destroy();
		return (0);
	default:
		return (EOPNOTSUPP);
	}
}

DEV_MODULE(fbperm, perm_modevent, NULL);
MODULE_VERSION(fbperm, 1);
