/*
 * sample: a pseudo driver with a real handshake. A client's SAMPLE_SUBMIT
 * queues a request on the soft state's list, dispatches a task to the
 * "sample_tq" taskq and sleeps on the request's condition variable until the
 * task has served it (result = value * 2 + 1, r_done set under r_lock, then
 * cv_broadcast).
 *
 * Bug variants (KS_VARIANT):
 *   no_done_check     the client calls cv_wait once without testing r_done, so
 *                     a task that completes before the client sleeps wakes
 *                     nobody: the client sleeps in cv_wait on r_cv forever.
 *   stats_no_copyout  SAMPLE_STATS stores through the user's pointer: a fault
 *                     on the reserved user range, reported as a missing copyout.
 *   stats_spin        SAMPLE_STATS waits for a first served request by spinning
 *                     on sc_served, calling no kernel primitive: when no
 *                     request was served yet, nothing else ever runs (a hang,
 *                     caught by the watchdog).
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/stat.h>
#include <sys/conf.h>
#include <sys/devops.h>
#include <sys/modctl.h>
#include <sys/open.h>
#include <sys/cred.h>
#include <sys/file.h>
#include <sys/kmem.h>
#include <sys/ksynch.h>
#include <sys/mutex.h>
#include <sys/condvar.h>
#include <sys/taskq.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/kernsim.h>

#include "sample_io.h"

typedef struct sample_req {
	kmutex_t r_lock;
	kcondvar_t r_cv;
	int r_done;
	uint64_t r_value;
	uint64_t r_result;
	struct sample_req *r_next;
} sample_req_t;

typedef struct sample_softc {
	dev_info_t *sc_dip;
	kmutex_t sc_lock;		/* protects the request list, sc_served */
	sample_req_t *sc_head;		/* requests waiting for the taskq */
	sample_req_t *sc_tail;
	uint64_t sc_served;
	taskq_t *sc_tq;
} sample_softc_t;

static void *sample_statep;

/* The taskq's task: serves the oldest queued request. */
static void
sample_serve(void *arg)
{
	sample_softc_t *sc = arg;
	sample_req_t *req;

	mutex_enter(&sc->sc_lock);
	req = sc->sc_head;
	if (req != NULL) {
		sc->sc_head = req->r_next;
		if (sc->sc_head == NULL)
			sc->sc_tail = NULL;
		sc->sc_served++;
	}
	mutex_exit(&sc->sc_lock);
	if (req == NULL)
		return;

	mutex_enter(&req->r_lock);
	req->r_result = req->r_value * 2 + 1;
	req->r_done = 1;
	cv_broadcast(&req->r_cv);
	mutex_exit(&req->r_lock);
}

static int
sample_submit(sample_softc_t *sc, intptr_t arg, int mode)
{
	struct sample_req_io io;
	sample_req_t *req;

	if (ddi_copyin((void *)arg, &io, sizeof (io), mode) != 0)
		return (EFAULT);

	req = kmem_zalloc(sizeof (*req), KM_SLEEP);
	mutex_init(&req->r_lock, NULL, MUTEX_DRIVER, NULL);
	cv_init(&req->r_cv, NULL, CV_DRIVER, NULL);
	req->r_value = io.sr_value;

	mutex_enter(&sc->sc_lock);
	if (sc->sc_tail != NULL)
		sc->sc_tail->r_next = req;
	else
		sc->sc_head = req;
	sc->sc_tail = req;
	mutex_exit(&sc->sc_lock);

	/* One task per request; if the taskq cannot take it, serve it here. */
	if (taskq_dispatch(sc->sc_tq, sample_serve, sc, TQ_SLEEP) == 0)
		sample_serve(sc);

	mutex_enter(&req->r_lock);
	if (KS_VARIANT("sample", "no_done_check")) {
		cv_wait(&req->r_cv, &req->r_lock);
	} else {
		while (!req->r_done)
			cv_wait(&req->r_cv, &req->r_lock);
	}
	io.sr_result = req->r_result;
	mutex_exit(&req->r_lock);

	cv_destroy(&req->r_cv);
	mutex_destroy(&req->r_lock);
	kmem_free(req, sizeof (*req));

	if (ddi_copyout(&io, (void *)arg, sizeof (io), mode) != 0)
		return (EFAULT);
	return (0);
}

static int
sample_open(dev_t *devp, int flag, int otyp, cred_t *credp)
{
	if (otyp != OTYP_CHR)
		return (EINVAL);
	if (ddi_get_soft_state(sample_statep, getminor(*devp)) == NULL)
		return (ENXIO);
	return (0);
}

static int
sample_close(dev_t dev, int flag, int otyp, cred_t *credp)
{
	return (0);
}

static int
sample_ioctl(dev_t dev, int cmd, intptr_t arg, int mode, cred_t *credp, int *rvalp)
{
	sample_softc_t *sc = ddi_get_soft_state(sample_statep, getminor(dev));
	struct sample_stats st;

	if (sc == NULL)
		return (ENXIO);
	switch (cmd) {
	case SAMPLE_SUBMIT:
		return (sample_submit(sc, arg, mode));
	case SAMPLE_STATS:
		if (KS_VARIANT("sample", "stats_spin")) {
			while (*(volatile uint64_t *)&sc->sc_served == 0)
				continue;
		}
		mutex_enter(&sc->sc_lock);
		st.ss_served = sc->sc_served;
		mutex_exit(&sc->sc_lock);
		if (KS_VARIANT("sample", "stats_no_copyout")) {
			/* The classic: a user pointer used as a kernel one. */
			*(struct sample_stats *)arg = st;
		} else if (ddi_copyout(&st, (void *)arg, sizeof (st), mode) != 0) {
			return (EFAULT);
		}
		*rvalp = 0;
		return (0);
	default:
		return (ENOTTY);
	}
}

static int
sample_getinfo(dev_info_t *dip, ddi_info_cmd_t cmd, void *arg, void **resultp)
{
	sample_softc_t *sc;

	switch (cmd) {
	case DDI_INFO_DEVT2DEVINFO:
		sc = ddi_get_soft_state(sample_statep, getminor((dev_t)arg));
		if (sc == NULL)
			return (DDI_FAILURE);
		*resultp = sc->sc_dip;
		return (DDI_SUCCESS);
	case DDI_INFO_DEVT2INSTANCE:
		*resultp = (void *)(uintptr_t)getminor((dev_t)arg);
		return (DDI_SUCCESS);
	}
	return (DDI_FAILURE);
}

static int
sample_attach(dev_info_t *dip, ddi_attach_cmd_t cmd)
{
	int instance = ddi_get_instance(dip);
	sample_softc_t *sc;

	if (cmd != DDI_ATTACH)
		return (DDI_FAILURE);
	if (ddi_soft_state_zalloc(sample_statep, instance) != DDI_SUCCESS)
		return (DDI_FAILURE);
	sc = ddi_get_soft_state(sample_statep, instance);
	sc->sc_dip = dip;
	mutex_init(&sc->sc_lock, NULL, MUTEX_DRIVER, NULL);
	sc->sc_tq = taskq_create("sample_tq", 2, minclsyspri, 2, 16, TASKQ_PREPOPULATE);
	if (ddi_create_minor_node(dip, "sample", S_IFCHR, instance, DDI_PSEUDO, 0) !=
	    DDI_SUCCESS) {
		taskq_destroy(sc->sc_tq);
		mutex_destroy(&sc->sc_lock);
		ddi_soft_state_free(sample_statep, instance);
		return (DDI_FAILURE);
	}
	ddi_set_driver_private(dip, sc);
	return (DDI_SUCCESS);
}

static int
sample_detach(dev_info_t *dip, ddi_detach_cmd_t cmd)
{
	int instance = ddi_get_instance(dip);
	sample_softc_t *sc = ddi_get_soft_state(sample_statep, instance);

	if (cmd != DDI_DETACH || sc == NULL)
		return (DDI_FAILURE);
	mutex_enter(&sc->sc_lock);
	if (sc->sc_head != NULL) {
		mutex_exit(&sc->sc_lock);
		return (DDI_FAILURE);
	}
	mutex_exit(&sc->sc_lock);

	taskq_destroy(sc->sc_tq);
	ddi_remove_minor_node(dip, NULL);
	mutex_destroy(&sc->sc_lock);
	ddi_soft_state_free(sample_statep, instance);
	return (DDI_SUCCESS);
}

static struct cb_ops sample_cb_ops = {
	.cb_open = sample_open,
	.cb_close = sample_close,
	.cb_strategy = nodev,
	.cb_print = nodev,
	.cb_dump = nodev,
	.cb_read = nodev,
	.cb_write = nodev,
	.cb_ioctl = sample_ioctl,
	.cb_devmap = nodev,
	.cb_mmap = nodev,
	.cb_segmap = nodev,
	.cb_chpoll = nochpoll,
	.cb_prop_op = ddi_prop_op,
	.cb_str = NULL,
	.cb_flag = D_NEW | D_MP | D_64BIT,
	.cb_rev = CB_REV,
	.cb_aread = nodev,
	.cb_awrite = nodev,
};

static struct dev_ops sample_dev_ops = {
	.devo_rev = DEVO_REV,
	.devo_refcnt = 0,
	.devo_getinfo = sample_getinfo,
	.devo_identify = nulldev,
	.devo_probe = nulldev,
	.devo_attach = sample_attach,
	.devo_detach = sample_detach,
	.devo_reset = nodev,
	.devo_cb_ops = &sample_cb_ops,
	.devo_bus_ops = NULL,
	.devo_power = NULL,
	.devo_quiesce = ddi_quiesce_not_needed,
};

static struct modldrv sample_modldrv = {
	&mod_driverops,
	"kernsim sample driver",
	&sample_dev_ops,
};

static struct modlinkage sample_modlinkage = {
	MODREV_1,
	{ &sample_modldrv, NULL },
};

int
_init(void)
{
	int error;

	if ((error = ddi_soft_state_init(&sample_statep, sizeof (sample_softc_t), 1)) != 0)
		return (error);
	if ((error = mod_install(&sample_modlinkage)) != 0)
		ddi_soft_state_fini(&sample_statep);
	return (error);
}

int
_fini(void)
{
	int error;

	if ((error = mod_remove(&sample_modlinkage)) == 0)
		ddi_soft_state_fini(&sample_statep);
	return (error);
}

int
_info(struct modinfo *modinfop)
{
	return (mod_info(&sample_modlinkage, modinfop));
}

static const char *const sample_variants[] = {
	"no_done_check",
	"stuck: the client sleeps in cv_wait on r_cv forever when the taskq "
	"completes the request before the client waits",
	"stats_no_copyout",
	"fault: SAMPLE_STATS stores through the user's pointer instead of "
	"ddi_copyout (the missing-copyout bug)",
	"stats_spin",
	"hang: SAMPLE_STATS spins on sc_served with no scheduling point until a "
	"request was served, so when none was, nothing else ever runs",
	NULL, NULL,
};

KS_ILLUMOS_DRIVER(sample, sample_variants);
