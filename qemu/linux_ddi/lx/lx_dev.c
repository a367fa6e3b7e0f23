/*
 * The driver's minor nodes as a Linux character device region: illumos
 * minor m is Linux minor 2m (its character node) and 2m+1 (its block
 * node, a character device here too: opens of it pass OTYP_BLK). Each
 * node is a device of the module's class named as in illumos's /dev
 * ("rlofi/1": devtmpfs makes /dev/rlofi/1 from "rlofi!1"). The file
 * operations call the illumos side (il/il_devsw.c), which keeps illumos's
 * open counts and calls the driver's cb_ops.
 */
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/list.h>
#include <linux/compat.h>
#include <linux/uaccess.h>

#include "ks_lx.h"

#define LX_MINORS 256

/* illumos <sys/file.h> open flags, as the driver sees them */
#define IL_FREAD 0x01
#define IL_FWRITE 0x02
#define IL_FNDELAY 0x04
#define IL_FNONBLOCK 0x80
#define IL_FEXCL 0x0400

struct lx_node {
	struct list_head link;
	char name[64];
	dev_t devt;
	struct device *dev;
};

static dev_t lx_base;
static struct cdev lx_cdev;
static struct class *lx_class;
static LIST_HEAD(lx_nodes);
static DEFINE_MUTEX(lx_nodes_lock);

static int lx_fflags(struct file *f)
{
	int fl = 0;

	if (f->f_mode & FMODE_READ)
		fl |= IL_FREAD;
	if (f->f_mode & FMODE_WRITE)
		fl |= IL_FWRITE;
	if (f->f_flags & O_EXCL)
		fl |= IL_FEXCL;
	if (f->f_flags & O_NONBLOCK)
		fl |= IL_FNDELAY | IL_FNONBLOCK;
	return fl;
}

static int lx_open(struct inode *ino, struct file *f)
{
	unsigned int m = iminor(ino);
	int fl = lx_fflags(f);
	int err;

	f->private_data = (void *)(uintptr_t)fl;
	err = ks_il_dev_open(m / 2, m & 1, fl);
	return -err;
}

static int lx_release(struct inode *ino, struct file *f)
{
	unsigned int m = iminor(ino);

	return -ks_il_dev_close(m / 2, m & 1, (int)(uintptr_t)f->private_data);
}

static ssize_t lx_rw(struct file *f, int write, uint64_t ubuf, size_t len, loff_t *ppos)
{
	unsigned int m = iminor(file_inode(f));
	int64_t off = *ppos;
	size_t done = 0;
	int err;

	err = ks_il_dev_rw(m / 2, write, ubuf, len, &off, (int)(uintptr_t)f->private_data, &done);
	if (err)
		return -err;
	*ppos = off;
	return done;
}

static ssize_t lx_read(struct file *f, char __user *buf, size_t len, loff_t *ppos)
{
	return lx_rw(f, 0, (uintptr_t)buf, len, ppos);
}

static ssize_t lx_write(struct file *f, const char __user *buf, size_t len, loff_t *ppos)
{
	return lx_rw(f, 1, (uintptr_t)buf, len, ppos);
}

static long lx_ioctl_model(struct file *f, unsigned int cmd, unsigned long arg, int model)
{
	unsigned int m = iminor(file_inode(f));
	int rval = 0;
	int err;

	err = ks_il_dev_ioctl(m / 2, (int)cmd, (long)arg, (int)(uintptr_t)f->private_data,
	    model, &rval);
	return err ? -err : rval;
}

static long lx_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	return lx_ioctl_model(f, cmd, arg, 0);
}

#ifdef CONFIG_COMPAT
static long lx_compat_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	return lx_ioctl_model(f, cmd, (unsigned long)compat_ptr(arg), 1);
}
#endif

static const struct file_operations lx_fops = {
	.owner = THIS_MODULE,
	.open = lx_open,
	.release = lx_release,
	.read = lx_read,
	.write = lx_write,
	.unlocked_ioctl = lx_ioctl,
#ifdef CONFIG_COMPAT
	.compat_ioctl = lx_compat_ioctl,
#endif
	.llseek = default_llseek,
};

static char *lx_devnode(const struct device *dev, umode_t *mode)
{
	if (mode)
		*mode = 0666;	/* illumos's permissions are the driver's checks */
	return NULL;
}

int ks_lx_region_init(const char *drv, uint32_t *major)
{
	int err = alloc_chrdev_region(&lx_base, 0, LX_MINORS, drv);

	if (err)
		return -err;
	cdev_init(&lx_cdev, &lx_fops);
	lx_cdev.owner = THIS_MODULE;
	err = cdev_add(&lx_cdev, lx_base, LX_MINORS);
	if (err) {
		unregister_chrdev_region(lx_base, LX_MINORS);
		return -err;
	}
	lx_class = class_create(THIS_MODULE, drv);
	if (IS_ERR(lx_class)) {
		err = PTR_ERR(lx_class);
		cdev_del(&lx_cdev);
		unregister_chrdev_region(lx_base, LX_MINORS);
		return -err;
	}
	lx_class->devnode = (void *)lx_devnode;
	*major = MAJOR(lx_base);
	return 0;
}

void ks_lx_region_fini(void)
{
	ks_lx_node_remove(NULL);
	class_destroy(lx_class);
	cdev_del(&lx_cdev);
	unregister_chrdev_region(lx_base, LX_MINORS);
}

int ks_lx_node_create(const char *name, uint32_t minor, int blk)
{
	struct lx_node *n;
	char *p;

	if (minor >= LX_MINORS / 2)
		return ENXIO;
	n = kzalloc(sizeof(*n), GFP_KERNEL);
	if (n == NULL)
		return ENOMEM;
	strscpy(n->name, name, sizeof(n->name));
	for (p = n->name; *p; p++)
		if (*p == '/')
			*p = '!';
	n->devt = MKDEV(MAJOR(lx_base), minor * 2 + (blk ? 1 : 0));
	n->dev = device_create(lx_class, NULL, n->devt, NULL, "%s", n->name);
	if (IS_ERR(n->dev)) {
		int err = PTR_ERR(n->dev);

		kfree(n);
		return -err;
	}
	mutex_lock(&lx_nodes_lock);
	list_add_tail(&n->link, &lx_nodes);
	mutex_unlock(&lx_nodes_lock);
	return 0;
}

void ks_lx_node_remove(const char *name)
{
	struct lx_node *n, *tmp;
	char want[64];
	char *p;

	if (name) {
		strscpy(want, name, sizeof(want));
		for (p = want; *p; p++)
			if (*p == '/')
				*p = '!';
	}
	mutex_lock(&lx_nodes_lock);
	list_for_each_entry_safe(n, tmp, &lx_nodes, link) {
		if (name && strcmp(n->name, want) != 0)
			continue;
		device_destroy(lx_class, n->devt);
		list_del(&n->link);
		kfree(n);
	}
	mutex_unlock(&lx_nodes_lock);
}

static int __init lx_module_init(void)
{
	int err = ks_il_module_load();

	if (err)
		pr_err("ks_%s: load failed: error %d\n", KS_LX_DRIVER_NAME, err);
	else
		pr_info("ks_%s: loaded (kernsim illumos personality, Linux backend)\n",
		    KS_LX_DRIVER_NAME);
	return -err;
}

void ks_lx_thread_fini(void);	/* lx_thread.c */

static void __exit lx_module_exit(void)
{
	int err = ks_il_module_unload();

	ks_lx_thread_fini();
	if (err)
		pr_err("ks_%s: unload: _fini or detach refused (error %d); removed anyway\n",
		    KS_LX_DRIVER_NAME, err);
}

module_init(lx_module_init);
module_exit(lx_module_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kernsim: an illumos driver over the Linux backend of its personality");
