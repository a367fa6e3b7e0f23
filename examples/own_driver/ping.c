/*
 * ping: a FreeBSD character device built outside kernsim's tree (README,
 * "Run your own driver"). PING_OPENS returns how many opens the device saw
 * since the module was loaded (a global MOD_LOAD does not reset).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/module.h>
#include <sys/conf.h>
#include <sys/ioccom.h>
#include <sys/kernsim.h>

#define	PING_OPENS	_IOR('p', 1, int)

static struct cdev *ping_dev;
static int ping_opens;

static int
ping_open(struct cdev *dev, int flags, int fmt, struct thread *td)
{
	ping_opens++;
	return (0);
}

static int
ping_ioctl(struct cdev *dev, u_long cmd, caddr_t data, int flags, struct thread *td)
{
	if (cmd != PING_OPENS)
		return (ENOTTY);
	*(int *)data = ping_opens;
	return (0);
}

static struct cdevsw ping_cdevsw = {
	.d_version = D_VERSION, .d_open = ping_open, .d_ioctl = ping_ioctl, .d_name = "ping",
};

static int
ping_modevent(module_t mod, int what, void *arg)
{
	struct make_dev_args args;

	switch (what) {
	case MOD_LOAD:
		make_dev_args_init(&args);
		args.mda_devsw = &ping_cdevsw;
		args.mda_uid = UID_ROOT;
		args.mda_gid = GID_WHEEL;
		args.mda_mode = 0666;
		return (make_dev_s(&args, &ping_dev, "ping"));
	case MOD_UNLOAD:
		destroy_dev(ping_dev);
		return (0);
	}
	return (EOPNOTSUPP);
}

static moduledata_t ping_mod = { "ping", ping_modevent, NULL };
DECLARE_MODULE(ping, ping_mod, SI_SUB_DRIVERS, SI_ORDER_MIDDLE);
KS_FREEBSD_DRIVER(ping, NULL, ping_mod);
