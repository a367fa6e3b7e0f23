/*
 * A kqueue-capable device for the kevent(2) tests (tests/cpp/test_kevent.cc):
 * /dev/kfbq, whose d_kqfilter attaches EVFILT_READ knotes to a knlist
 * locked by kfb.a; KFBQ_POST makes it readable and KNOTE_LOCKEDs the
 * list (KFBQ_POST_NOKNOTE forgets the KNOTE), KFBQ_TAKE empties it.
 * f_detach logs 900, d_close 800, so a test sees their order; with
 * kfbq_detach_forgets set it does not knlist_remove (the knote, freed by
 * its kqueue, stays on the list).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/conf.h>
#include <sys/event.h>
#include <sys/selinfo.h>
#include <errno.h>

#include "kfb.h"
#include "kfb_state.h"

static struct selinfo kfbq_sel;
static int kfbq_ready;
static struct cdev *kfbq_dev;

static int
kfbq_ioctl(struct cdev *dev, u_long cmd, caddr_t data, int fflag, struct thread *td)
{
	(void)dev; (void)data; (void)fflag; (void)td;
	mtx_lock(&kfb.a);
	switch (cmd) {
	case KFBQ_POST:
	case KFBQ_POST_NOKNOTE:
		kfbq_ready++;
		if (cmd == KFBQ_POST)
			KNOTE_LOCKED(&kfbq_sel.si_note, 0);
		break;
	case KFBQ_TAKE:
		kfbq_ready = 0;
		break;
	default:
		mtx_unlock(&kfb.a);
		return (ENOTTY);
	}
	mtx_unlock(&kfb.a);
	return (0);
}

static int
kfbq_close(struct cdev *dev, int fflag, int devtype, struct thread *td)
{
	(void)dev; (void)fflag; (void)devtype; (void)td;
	kfb_note(800);
	return (0);
}

int kfbq_detach_forgets;

static void
kfbq_detach(struct knote *kn)
{
	kfb_note(900);
	if (!kfbq_detach_forgets)
		knlist_remove(&kfbq_sel.si_note, kn, 0);
}

static int
kfbq_event(struct knote *kn, long hint)
{
	(void)hint;
	mtx_assert(&kfb.a, MA_OWNED);
	kn->kn_data = kfbq_ready;
	return (kfbq_ready > 0);
}

static struct filterops kfbq_filtops = {
	.f_isfd = 1,
	.f_detach = kfbq_detach,
	.f_event = kfbq_event,
};

static int
kfbq_kqfilter(struct cdev *dev, struct knote *kn)
{
	(void)dev;
	if (kn->kn_filter != EVFILT_READ)
		return (EINVAL);
	kn->kn_fop = &kfbq_filtops;
	knlist_add(&kfbq_sel.si_note, kn, 0);
	return (0);
}

static struct cdevsw kfbq_cdevsw = {
	.d_version = D_VERSION,
	.d_name = "kfbq",
	.d_ioctl = kfbq_ioctl,
	.d_close = kfbq_close,
	.d_kqfilter = kfbq_kqfilter,
};

void kfb_kq_make_dev(void *arg) {
	(void)arg;
	kfbq_ready = 0;
	knlist_init_mtx(&kfbq_sel.si_note, &kfb.a);
	kfbq_dev = make_dev(&kfbq_cdevsw, 0, UID_ROOT, GID_WHEEL, 0666, "kfbq");
}

void kfb_kq_destroy(void *arg) {
	(void)arg;
	destroy_dev(kfbq_dev);
	knlist_clear(&kfbq_sel.si_note, 0);
	knlist_destroy(&kfbq_sel.si_note);
}
