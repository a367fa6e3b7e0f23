/*
 * ring: a pseudo device holding a byte ring per open (clone minors from an
 * id space, soft state per open), written the way an illumos developer
 * writes one, with no kernsim line (the ilring probe): blocking reads on a
 * condition variable, writes that wait a while for room, a timeout(9F)
 * tick and chpoll(9E), a taskq, named kstats, a DTrace probe.
 * ILRING_BUG_NOWAKE: a write adds bytes and wakes no reader.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/errno.h>
#include <sys/uio.h>
#include <sys/buf.h>
#include <sys/modctl.h>
#include <sys/open.h>
#include <sys/kmem.h>
#include <sys/conf.h>
#include <sys/cmn_err.h>
#include <sys/stat.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/file.h>
#include <sys/cred.h>
#include <sys/poll.h>
#include <sys/ksynch.h>
#include <sys/id_space.h>
#include <sys/taskq.h>
#include <sys/kstat.h>
#include <sys/atomic.h>
#include <sys/sysmacros.h>
#include <sys/list.h>
#include <sys/policy.h>
#include <sys/debug.h>
#include <sys/time.h>
#include <sys/model.h>
#include <sys/ccompile.h>
#include <sys/sdt.h>
#include <sys/disp.h>
#include <sys/proc.h>

#define	RING_SIZE	64
#define	RING_IOC	('R' << 8)
#define	RING_GETSTAT	(RING_IOC | 1)
#define	RING_FLUSH	(RING_IOC | 2)
#define	RING_SETNAME	(RING_IOC | 3)

typedef struct ring_stat {
	uint32_t	rs_count;
	uint32_t	rs_dropped;
	uint64_t	rs_bytes;
	char		rs_name[32];
} ring_stat_t;

typedef struct ring_state {
	list_node_t	r_link;
	minor_t		r_minor;
	kmutex_t	r_lock;
	kcondvar_t	r_cv;
	uint8_t		r_buf[RING_SIZE];
	uint32_t	r_head;
	uint32_t	r_count;
	uint32_t	r_dropped;
	uint64_t	r_bytes;
	char		r_name[32];
	struct pollhead	r_ph;
	timeout_id_t	r_tid;
	boolean_t	r_closing;
} ring_state_t;

static dev_info_t *ring_dip;
static void *ring_softstate;
static id_space_t *ring_minors;
static kmutex_t ring_list_lock;
static list_t ring_list;
static taskq_t *ring_tq;
static kstat_t *ring_ksp;
static volatile uint32_t ring_opens;

typedef struct ring_kstats {
	kstat_named_t	rk_opens;
	kstat_named_t	rk_writes;
} ring_kstats_t;
static ring_kstats_t ring_kstats = {
	{ "opens",	KSTAT_DATA_UINT32 },
	{ "writes",	KSTAT_DATA_UINT64 },
};

static void
ring_tick(void *arg)
{
	ring_state_t *r = arg;

	mutex_enter(&r->r_lock);
	r->r_tid = 0;
	if (r->r_count > 0)
		cv_broadcast(&r->r_cv);
	mutex_exit(&r->r_lock);
	pollwakeup(&r->r_ph, POLLIN);
}

static void
ring_note(void *arg)
{
	ring_state_t *r = arg;

	atomic_inc_64(&ring_kstats.rk_writes.value.ui64);
	DTRACE_PROBE1(ring__note, ring_state_t *, r);
}

static int
ring_open(dev_t *devp, int flag, int otyp, cred_t *cr)
{
	ring_state_t *r;
	id_t m;

	if (otyp != OTYP_CHR)
		return (EINVAL);
	if (getminor(*devp) != 0)
		return (ENXIO);
	if ((flag & FWRITE) && secpolicy_sys_config(cr, B_FALSE) != 0 &&
	    crgetuid(cr) != 0)
		return (EPERM);
	m = id_alloc(ring_minors);
	if (ddi_soft_state_zalloc(ring_softstate, m) != DDI_SUCCESS) {
		id_free(ring_minors, m);
		return (ENOMEM);
	}
	r = ddi_get_soft_state(ring_softstate, m);
	r->r_minor = m;
	mutex_init(&r->r_lock, NULL, MUTEX_DRIVER, NULL);
	cv_init(&r->r_cv, NULL, CV_DRIVER, NULL);
	(void) strlcpy(r->r_name, "ring", sizeof (r->r_name));
	mutex_enter(&ring_list_lock);
	list_insert_tail(&ring_list, r);
	mutex_exit(&ring_list_lock);
	atomic_inc_32(&ring_opens);
	ring_kstats.rk_opens.value.ui32 = ring_opens;
	*devp = makedevice(getmajor(*devp), m);
	return (0);
}

static int
ring_close(dev_t dev, int flag, int otyp, cred_t *cr)
{
	minor_t m = getminor(dev);
	ring_state_t *r = ddi_get_soft_state(ring_softstate, m);
	timeout_id_t tid;

	if (r == NULL)
		return (ENXIO);
	mutex_enter(&r->r_lock);
	r->r_closing = B_TRUE;
	tid = r->r_tid;
	r->r_tid = 0;
	cv_broadcast(&r->r_cv);
	mutex_exit(&r->r_lock);
	if (tid != 0)
		(void) untimeout(tid);
	taskq_wait(ring_tq);
	mutex_enter(&ring_list_lock);
	list_remove(&ring_list, r);
	mutex_exit(&ring_list_lock);
	pollhead_clean(&r->r_ph);
	cv_destroy(&r->r_cv);
	mutex_destroy(&r->r_lock);
	ddi_soft_state_free(ring_softstate, m);
	id_free(ring_minors, m);
	return (0);
}

static int
ring_read(dev_t dev, struct uio *uio, cred_t *cr)
{
	ring_state_t *r = ddi_get_soft_state(ring_softstate, getminor(dev));
	int err = 0;

	mutex_enter(&r->r_lock);
	while (r->r_count == 0) {
		if (r->r_closing || (uio->uio_fmode & (FNDELAY | FNONBLOCK))) {
			mutex_exit(&r->r_lock);
			return (EAGAIN);
		}
		if (cv_wait_sig(&r->r_cv, &r->r_lock) == 0) {
			mutex_exit(&r->r_lock);
			return (EINTR);
		}
	}
	while (r->r_count > 0 && uio->uio_resid > 0 && err == 0) {
		size_t n = MIN(r->r_count, RING_SIZE - r->r_head);
		n = MIN(n, uio->uio_resid);
		err = uiomove(&r->r_buf[r->r_head], n, UIO_READ, uio);
		if (err == 0) {
			r->r_head = (r->r_head + n) % RING_SIZE;
			r->r_count -= n;
		}
	}
	cv_broadcast(&r->r_cv);
	mutex_exit(&r->r_lock);
	return (err);
}

static int
ring_write(dev_t dev, struct uio *uio, cred_t *cr)
{
	ring_state_t *r = ddi_get_soft_state(ring_softstate, getminor(dev));
	int err = 0;

	mutex_enter(&r->r_lock);
	while (uio->uio_resid > 0 && err == 0) {
		uint32_t tail;
		size_t n;

		while (r->r_count == RING_SIZE) {
			if (cv_reltimedwait_sig(&r->r_cv, &r->r_lock,
			    drv_usectohz(10000), TR_CLOCK_TICK) == 0) {
				mutex_exit(&r->r_lock);
				return (EINTR);
			}
			if (r->r_count == RING_SIZE) {
				r->r_dropped++;
				mutex_exit(&r->r_lock);
				return (EAGAIN);
			}
		}
		tail = (r->r_head + r->r_count) % RING_SIZE;
		n = MIN(RING_SIZE - r->r_count, RING_SIZE - tail);
		n = MIN(n, uio->uio_resid);
		err = uiomove(&r->r_buf[tail], n, UIO_WRITE, uio);
		if (err == 0) {
			r->r_count += n;
			r->r_bytes += n;
#ifndef ILRING_BUG_NOWAKE
			cv_broadcast(&r->r_cv);
#endif
		}
	}
	if (r->r_tid == 0 && !r->r_closing)
		r->r_tid = timeout(ring_tick, r, drv_usectohz(1000));
	mutex_exit(&r->r_lock);
	(void) taskq_dispatch(ring_tq, ring_note, r, TQ_SLEEP);
	return (err);
}

static int
ring_ioctl(dev_t dev, int cmd, intptr_t arg, int mode, cred_t *cr, int *rvalp)
{
	ring_state_t *r = ddi_get_soft_state(ring_softstate, getminor(dev));
	ring_stat_t st;

	switch (cmd) {
	case RING_GETSTAT:
		bzero(&st, sizeof (st));
		mutex_enter(&r->r_lock);
		st.rs_count = r->r_count;
		st.rs_dropped = r->r_dropped;
		st.rs_bytes = r->r_bytes;
		(void) strlcpy(st.rs_name, r->r_name, sizeof (st.rs_name));
		mutex_exit(&r->r_lock);
		if (ddi_copyout(&st, (void *)arg, sizeof (st), mode) != 0)
			return (EFAULT);
		*rvalp = 0;
		return (0);
	case RING_FLUSH:
		if ((mode & FWRITE) == 0)
			return (EBADF);
		mutex_enter(&r->r_lock);
		r->r_head = r->r_count = 0;
		cv_broadcast(&r->r_cv);
		mutex_exit(&r->r_lock);
		return (0);
	case RING_SETNAME: {
		char name[32];
		if (ddi_copyin((void *)arg, name, sizeof (name), mode) != 0)
			return (EFAULT);
		name[sizeof (name) - 1] = '\0';
		mutex_enter(&r->r_lock);
		(void) strlcpy(r->r_name, name, sizeof (r->r_name));
		mutex_exit(&r->r_lock);
		return (0);
	}
	default:
		return (ENOTTY);
	}
}

static int
ring_chpoll(dev_t dev, short events, int anyyet, short *reventsp,
    struct pollhead **phpp)
{
	ring_state_t *r = ddi_get_soft_state(ring_softstate, getminor(dev));
	short rev = 0;

	mutex_enter(&r->r_lock);
	if (r->r_count > 0)
		rev |= events & (POLLIN | POLLRDNORM);
	if (r->r_count < RING_SIZE)
		rev |= events & (POLLOUT | POLLWRNORM);
	mutex_exit(&r->r_lock);
	*reventsp = rev;
	if ((rev == 0 && !anyyet) || (events & POLLET))
		*phpp = &r->r_ph;
	return (0);
}

static int
ring_attach(dev_info_t *dip, ddi_attach_cmd_t cmd)
{
	if (cmd == DDI_RESUME)
		return (DDI_SUCCESS);
	if (cmd != DDI_ATTACH || ring_dip != NULL)
		return (DDI_FAILURE);
	if (ddi_create_minor_node(dip, "ring", S_IFCHR, 0, DDI_PSEUDO, 0) !=
	    DDI_SUCCESS)
		return (DDI_FAILURE);
	ring_tq = taskq_create("ring_tq", 1, minclsyspri, 1, 4,
	    TASKQ_PREPOPULATE);
	ring_ksp = kstat_create("ring", ddi_get_instance(dip), "stats", "misc",
	    KSTAT_TYPE_NAMED, sizeof (ring_kstats) / sizeof (kstat_named_t),
	    KSTAT_FLAG_VIRTUAL);
	if (ring_ksp != NULL) {
		ring_ksp->ks_data = &ring_kstats;
		kstat_install(ring_ksp);
	}
	ring_dip = dip;
	ddi_report_dev(dip);
	return (DDI_SUCCESS);
}

static int
ring_detach(dev_info_t *dip, ddi_detach_cmd_t cmd)
{
	if (cmd == DDI_SUSPEND)
		return (DDI_SUCCESS);
	if (cmd != DDI_DETACH)
		return (DDI_FAILURE);
	mutex_enter(&ring_list_lock);
	if (!list_is_empty(&ring_list)) {
		mutex_exit(&ring_list_lock);
		return (DDI_FAILURE);
	}
	mutex_exit(&ring_list_lock);
	if (ring_ksp != NULL)
		kstat_delete(ring_ksp);
	taskq_destroy(ring_tq);
	ddi_remove_minor_node(dip, NULL);
	ring_dip = NULL;
	return (DDI_SUCCESS);
}

static int
ring_getinfo(dev_info_t *dip, ddi_info_cmd_t cmd, void *arg, void **result)
{
	switch (cmd) {
	case DDI_INFO_DEVT2DEVINFO:
		*result = ring_dip;
		return (DDI_SUCCESS);
	case DDI_INFO_DEVT2INSTANCE:
		*result = (void *)0;
		return (DDI_SUCCESS);
	default:
		return (DDI_FAILURE);
	}
}

static struct cb_ops ring_cb_ops = {
	ring_open,		/* open */
	ring_close,		/* close */
	nodev,			/* strategy */
	nodev,			/* print */
	nodev,			/* dump */
	ring_read,		/* read */
	ring_write,		/* write */
	ring_ioctl,		/* ioctl */
	nodev,			/* devmap */
	nodev,			/* mmap */
	nodev,			/* segmap */
	ring_chpoll,		/* poll */
	ddi_prop_op,		/* prop_op */
	NULL,			/* streamtab */
	D_NEW | D_MP,		/* flags */
	CB_REV,			/* rev */
	nodev,			/* aread */
	nodev			/* awrite */
};

static struct dev_ops ring_dev_ops = {
	DEVO_REV,
	0,
	ring_getinfo,
	nulldev,
	nulldev,
	ring_attach,
	ring_detach,
	nodev,
	&ring_cb_ops,
	NULL,
	NULL,
	ddi_quiesce_not_needed
};

static struct modldrv ring_modldrv = {
	&mod_driverops,
	"ring pseudo device",
	&ring_dev_ops
};

static struct modlinkage ring_modlinkage = {
	MODREV_1,
	{ (void *)&ring_modldrv, NULL }
};

int
_init(void)
{
	int err;

	if ((err = ddi_soft_state_init(&ring_softstate,
	    sizeof (ring_state_t), 1)) != 0)
		return (err);
	ring_minors = id_space_create("ring_minors", 1, MAXMIN32);
	mutex_init(&ring_list_lock, NULL, MUTEX_DEFAULT, NULL);
	list_create(&ring_list, sizeof (ring_state_t),
	    offsetof(ring_state_t, r_link));
	if ((err = mod_install(&ring_modlinkage)) != 0) {
		list_destroy(&ring_list);
		mutex_destroy(&ring_list_lock);
		id_space_destroy(ring_minors);
		ddi_soft_state_fini(&ring_softstate);
	}
	return (err);
}

int
_info(struct modinfo *modinfop)
{
	return (mod_info(&ring_modlinkage, modinfop));
}

int
_fini(void)
{
	int err;

	if ((err = mod_remove(&ring_modlinkage)) != 0)
		return (err);
	list_destroy(&ring_list);
	mutex_destroy(&ring_list_lock);
	id_space_destroy(ring_minors);
	ddi_soft_state_fini(&ring_softstate);
	return (0);
}
