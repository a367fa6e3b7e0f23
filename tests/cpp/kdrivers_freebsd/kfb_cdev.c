/*
 * A character device: make_dev_s, d_ioctl behind the personality's generic
 * argument copy, d_read/d_write through uio, destroy_dev draining threads
 * inside d_ioctl, and kthread_exit (see kfb.h).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/conf.h>
#include <sys/uio.h>
#include <sys/kthread.h>
#include <sys/kernsim.h>
#include <errno.h>

#include "kfb.h"
#include "kfb_state.h"

int kfb_destroy_from_ioctl;

static int
kfb_ioctl(struct cdev *dev, u_long cmd, caddr_t data, int fflag, struct thread *td)
{
	(void)fflag;
	(void)td;
	switch (cmd) {
	case KFB_IOC_DOUBLE:
		*(int *)data *= 2;	/* a kernel copy: no copyin here */
		return (0);
	case KFB_IOC_BLOCK:
		mtx_lock(&kfb.a);
		kfb.inside = 1;
		cv_broadcast(&kfb.cv);
		if (kfb_destroy_from_ioctl) {
			mtx_unlock(&kfb.a);
			destroy_dev(dev);	/* waits for ourselves: never returns */
			return (0);
		}
		while (!kfb.go)
			cv_wait(&kfb.cv, &kfb.a);
		kfb_note(2);	/* leaving d_ioctl */
		mtx_unlock(&kfb.a);
		return (0);
	default:
		return (ENOTTY);
	}
}

static const char kfb_text[] = "0123456789";

static int
kfb_read(struct cdev *dev, struct uio *uio, int ioflag)
{
	(void)dev;
	(void)ioflag;
	if (uio->uio_offset >= (off_t)sizeof(kfb_text) - 1)
		return (0);
	size_t n = sizeof(kfb_text) - 1 - (size_t)uio->uio_offset;
	return (uiomove((char *)kfb_text + uio->uio_offset, (int)n, uio));
}

static int
kfb_write(struct cdev *dev, struct uio *uio, int ioflag)
{
	(void)dev;
	(void)ioflag;
	char buf[8];
	int error = uiomove(buf, 3, uio);	/* takes 3 bytes, leaves the rest */
	if (error == 0)
		kfb_note(buf[0] * 10000 + buf[1] * 100 + buf[2]);
	return (error);
}

static struct cdevsw kfb_cdevsw = {
	.d_version = D_VERSION,
	.d_name = "kfb",
	.d_ioctl = kfb_ioctl,
	.d_read = kfb_read,
	.d_write = kfb_write,
};

void kfb_make_dev(void *arg) {
	(void)arg;
	struct make_dev_args args;
	make_dev_args_init(&args);
	args.mda_devsw = &kfb_cdevsw;
	args.mda_uid = UID_ROOT;
	args.mda_gid = GID_OPERATOR;
	args.mda_mode = 0600;
	args.mda_si_drv1 = &kfb;
	kfb_note(make_dev_s(&args, &kfb.dev, "kfb%d", 0));
	kfb_note(strcmp(devtoname(kfb.dev), "kfb0") == 0 && kfb.dev->si_drv1 == &kfb);
	struct cdev *dup;
	args.mda_flags |= MAKEDEV_CHECKNAME;	/* else a taken name panics */
	kfb_note(make_dev_s(&args, &dup, "kfb%d", 0));	/* the name is taken */
}

void kfb_make_dev_twice(void *arg) {
	(void)arg;
	struct make_dev_args args;
	struct cdev *dup;
	make_dev_args_init(&args);
	args.mda_devsw = &kfb_cdevsw;
	args.mda_uid = UID_ROOT;
	args.mda_gid = GID_OPERATOR;
	args.mda_mode = 0600;
	kfb_note(make_dev_s(&args, &kfb.dev, "kfb%d", 0));
	kfb_note(make_dev_s(&args, &dup, "kfb%d", 0));	/* never returns */
}

void kfb_destroy_when_inside(void *arg) {
	(void)arg;
	mtx_lock(&kfb.a);
	while (!kfb.inside)
		cv_wait(&kfb.cv, &kfb.a);
	mtx_unlock(&kfb.a);
	kfb_note(1);
	destroy_dev(kfb.dev);	/* returns only once d_ioctl was left */
	kfb_note(3);
}

/* A thread reference (dev_refthread) held across a sleep. */
void kfb_refthread_hold(void *arg) {
	int ref = 0;
	(void)arg;
	kfb_note(dev_refthread(kfb.dev, &ref) == &kfb_cdevsw && ref == 1);
	pause("kfbref", 1);
	kfb_note(2);
	dev_relthread(kfb.dev, ref);
}

/* destroy_dev waits for the reference; afterwards dev_refthread fails
 * (the cdev kept by dev_ref, as a caller must). */
void kfb_refthread_destroy(void *arg) {
	int ref = 0;
	(void)arg;
	dev_ref(kfb.dev);
	destroy_dev(kfb.dev);
	kfb_note(3);
	kfb_note(dev_refthread(kfb.dev, &ref) == NULL ? 4 : 5);
	dev_rel(kfb.dev);
}

void kfb_release(void *arg) {
	(void)arg;
	mtx_lock(&kfb.a);
	kfb.go = 1;
	cv_broadcast(&kfb.cv);
	mtx_unlock(&kfb.a);
}

static void
kfb_kthread_body_deep(void)
{
	kfb_note(11);
	kthread_exit();
}

static void
kfb_kthread_body(void *arg)
{
	(void)arg;
	kfb_note(10);
	kfb_kthread_body_deep();
	kfb_note(-1);	/* never reached */
}

void kfb_kthread_exit(void *arg) {
	(void)arg;
	struct thread *td;
	kfb_note(kthread_add(kfb_kthread_body, NULL, NULL, &td, 0, 0, "kfb_worker%d", 1));
}

void kfb_kthread_exit_bad(void *arg) {
	(void)arg;
	kthread_exit();
}

void kfb_destroy(void *arg) {
	(void)arg;
	destroy_dev(kfb.dev);
}
