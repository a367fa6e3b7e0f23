/*
 * ilmsgq (tests/python/test_illumos_probe.py): written as an illumos
 * engineer writes a driver, outside kernsim's idioms (the ilprobe audit):
 * id_space clone minors, kmem caches, list_t, uiomove, cv_timedwait_sig,
 * an ILP32 ioctl struct under _MULTI_DATAMODEL, secpolicy.
 * A pseudo message-queue driver.  Each open of /dev/msgq is a clone
 * with its own queue; writers post messages, readers block until one
 * arrives.  An ioctl sets a per-open timeout and reports statistics.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/errno.h>
#include <sys/stat.h>
#include <sys/file.h>
#include <sys/open.h>
#include <sys/cred.h>
#include <sys/uio.h>
#include <sys/kmem.h>
#include <sys/ksynch.h>
#include <sys/conf.h>
#include <sys/modctl.h>
#include <sys/list.h>
#include <sys/id_space.h>
#include <sys/atomic.h>
#include <sys/sysmacros.h>
#include <sys/policy.h>
#include <sys/cmn_err.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/model.h>

#define	MSGQ_IOC		('M' << 8)
#define	MSGQ_SETTIMEOUT		(MSGQ_IOC | 1)
#define	MSGQ_GETSTATS		(MSGQ_IOC | 2)
#define	MSGQ_FLUSH		(MSGQ_IOC | 3)

#define	MSGQ_MAXMSG		1024
#define	MSGQ_MINOR_MAX		64

typedef struct msgq_stats {
	uint64_t	ms_posted;
	uint64_t	ms_read;
	uint32_t	ms_depth;
	uint32_t	ms_pad;
	char		ms_name[16];
} msgq_stats_t;

typedef struct msgq_timeout {
	int		mt_msec;
	void		*mt_cookie;
} msgq_timeout_t;

#ifdef _SYSCALL32
typedef struct msgq_timeout32 {
	int32_t		mt_msec;
	caddr32_t	mt_cookie;
} msgq_timeout32_t;
#endif

typedef struct msgq_msg {
	list_node_t	mm_node;
	size_t		mm_len;
	char		mm_data[MSGQ_MAXMSG];
} msgq_msg_t;

typedef struct msgq_state {
	kmutex_t	mq_lock;
	kcondvar_t	mq_cv;
	list_t		mq_msgs;
	uint32_t	mq_depth;
	uint32_t	mq_maxdepth;
	clock_t		mq_timeout;	/* ticks, 0 = forever */
	uint64_t	mq_posted;
	uint64_t	mq_read;
	minor_t		mq_minor;
	uid_t		mq_owner;
	boolean_t	mq_closing;
} msgq_state_t;

static dev_info_t *msgq_dip;
static void *msgq_statep;
static id_space_t *msgq_minors;
static kmem_cache_t *msgq_msg_cache;
static volatile uint32_t msgq_nopen;
static int msgq_maxdepth = 8;

static int
msgq_msg_ctor(void *buf, void *arg, int kmflags)
{
	msgq_msg_t *mm = buf;

	bzero(mm, sizeof (*mm));
	return (0);
}

static void
msgq_msg_dtor(void *buf, void *arg)
{
}

/*ARGSUSED*/
static int
msgq_open(dev_t *devp, int flag, int otyp, cred_t *cr)
{
	msgq_state_t *mq;
	id_t id;

	if (otyp != OTYP_CHR)
		return (EINVAL);
	if (getminor(*devp) != 0)
		return (ENXIO);

	if ((id = id_alloc_nosleep(msgq_minors)) == -1)
		return (EAGAIN);
	if (ddi_soft_state_zalloc(msgq_statep, id) != DDI_SUCCESS) {
		id_free(msgq_minors, id);
		return (ENOMEM);
	}
	mq = ddi_get_soft_state(msgq_statep, id);
	mutex_init(&mq->mq_lock, NULL, MUTEX_DRIVER, NULL);
	cv_init(&mq->mq_cv, NULL, CV_DRIVER, NULL);
	list_create(&mq->mq_msgs, sizeof (msgq_msg_t),
	    offsetof(msgq_msg_t, mm_node));
	mq->mq_minor = id;
	mq->mq_owner = crgetuid(cr);
	mq->mq_maxdepth = msgq_maxdepth;
	atomic_inc_32(&msgq_nopen);

	*devp = makedevice(getmajor(*devp), id);
	return (0);
}

/*ARGSUSED*/
static int
msgq_close(dev_t dev, int flag, int otyp, cred_t *cr)
{
	minor_t minor = getminor(dev);
	msgq_state_t *mq = ddi_get_soft_state(msgq_statep, minor);
	msgq_msg_t *mm;

	if (mq == NULL)
		return (ENXIO);
	mutex_enter(&mq->mq_lock);
	mq->mq_closing = B_TRUE;
	cv_broadcast(&mq->mq_cv);
	while ((mm = list_remove_head(&mq->mq_msgs)) != NULL)
		kmem_cache_free(msgq_msg_cache, mm);
	mutex_exit(&mq->mq_lock);

	list_destroy(&mq->mq_msgs);
	cv_destroy(&mq->mq_cv);
	mutex_destroy(&mq->mq_lock);
	ddi_soft_state_free(msgq_statep, minor);
	id_free(msgq_minors, minor);
	atomic_dec_32(&msgq_nopen);
	return (0);
}

/*ARGSUSED*/
static int
msgq_write(dev_t dev, struct uio *uio, cred_t *cr)
{
	msgq_state_t *mq = ddi_get_soft_state(msgq_statep, getminor(dev));
	msgq_msg_t *mm;
	size_t len;
	int err;

	if (mq == NULL)
		return (ENXIO);
	len = MIN(uio->uio_resid, MSGQ_MAXMSG);
	if (len == 0)
		return (0);
	mm = kmem_cache_alloc(msgq_msg_cache, KM_SLEEP);
	if ((err = uiomove(mm->mm_data, len, UIO_WRITE, uio)) != 0) {
		kmem_cache_free(msgq_msg_cache, mm);
		return (err);
	}
	mm->mm_len = len;

	mutex_enter(&mq->mq_lock);
	while (mq->mq_depth >= mq->mq_maxdepth) {
		if (uio->uio_fmode & (FNDELAY | FNONBLOCK)) {
			mutex_exit(&mq->mq_lock);
			kmem_cache_free(msgq_msg_cache, mm);
			return (EAGAIN);
		}
		if (cv_wait_sig(&mq->mq_cv, &mq->mq_lock) == 0) {
			mutex_exit(&mq->mq_lock);
			kmem_cache_free(msgq_msg_cache, mm);
			return (EINTR);
		}
	}
	list_insert_tail(&mq->mq_msgs, mm);
	mq->mq_depth++;
	mq->mq_posted++;
	cv_broadcast(&mq->mq_cv);
	mutex_exit(&mq->mq_lock);
	return (0);
}

/*ARGSUSED*/
static int
msgq_read(dev_t dev, struct uio *uio, cred_t *cr)
{
	msgq_state_t *mq = ddi_get_soft_state(msgq_statep, getminor(dev));
	msgq_msg_t *mm;
	clock_t deadline;
	int err;

	if (mq == NULL)
		return (ENXIO);

	mutex_enter(&mq->mq_lock);
	deadline = ddi_get_lbolt() + mq->mq_timeout;
	while ((mm = list_head(&mq->mq_msgs)) == NULL) {
		if (uio->uio_fmode & (FNDELAY | FNONBLOCK)) {
			mutex_exit(&mq->mq_lock);
			return (EAGAIN);
		}
		if (mq->mq_timeout == 0) {
			if (cv_wait_sig(&mq->mq_cv, &mq->mq_lock) == 0) {
				mutex_exit(&mq->mq_lock);
				return (EINTR);
			}
		} else {
			clock_t r = cv_timedwait_sig(&mq->mq_cv,
			    &mq->mq_lock, deadline);
			if (r == 0) {
				mutex_exit(&mq->mq_lock);
				return (EINTR);
			}
			if (r == -1) {
				mutex_exit(&mq->mq_lock);
				return (ETIME);
			}
		}
	}
	list_remove(&mq->mq_msgs, mm);
	mq->mq_depth--;
	mq->mq_read++;
	cv_broadcast(&mq->mq_cv);
	mutex_exit(&mq->mq_lock);

	err = uiomove(mm->mm_data, MIN(mm->mm_len, uio->uio_resid),
	    UIO_READ, uio);
	kmem_cache_free(msgq_msg_cache, mm);
	return (err);
}

static int
msgq_settimeout(msgq_state_t *mq, intptr_t arg, int mode)
{
	msgq_timeout_t mt;

#ifdef _MULTI_DATAMODEL
	switch (ddi_model_convert_from(mode & FMODELS)) {
	case DDI_MODEL_ILP32: {
		msgq_timeout32_t mt32;

		if (ddi_copyin((void *)arg, &mt32, sizeof (mt32), mode) != 0)
			return (EFAULT);
		mt.mt_msec = mt32.mt_msec;
		mt.mt_cookie = (void *)(uintptr_t)mt32.mt_cookie;
		break;
	}
	case DDI_MODEL_NONE:
		if (ddi_copyin((void *)arg, &mt, sizeof (mt), mode) != 0)
			return (EFAULT);
		break;
	}
#else
	if (ddi_copyin((void *)arg, &mt, sizeof (mt), mode) != 0)
		return (EFAULT);
#endif
	if (mt.mt_msec < 0)
		return (EINVAL);
	mutex_enter(&mq->mq_lock);
	mq->mq_timeout = drv_usectohz((clock_t)mt.mt_msec * 1000);
	mutex_exit(&mq->mq_lock);
	return (0);
}

/*ARGSUSED*/
static int
msgq_ioctl(dev_t dev, int cmd, intptr_t arg, int mode, cred_t *cr,
    int *rvalp)
{
	msgq_state_t *mq = ddi_get_soft_state(msgq_statep, getminor(dev));
	msgq_stats_t st;
	msgq_msg_t *mm;

	if (mq == NULL)
		return (ENXIO);

	switch (cmd) {
	case MSGQ_SETTIMEOUT:
		if ((mode & FWRITE) == 0)
			return (EBADF);
		return (msgq_settimeout(mq, arg, mode));

	case MSGQ_GETSTATS:
		bzero(&st, sizeof (st));
		mutex_enter(&mq->mq_lock);
		st.ms_posted = mq->mq_posted;
		st.ms_read = mq->mq_read;
		st.ms_depth = mq->mq_depth;
		mutex_exit(&mq->mq_lock);
		(void) snprintf(st.ms_name, sizeof (st.ms_name), "msgq%u",
		    mq->mq_minor);
		if (ddi_copyout(&st, (void *)arg, sizeof (st), mode) != 0)
			return (EFAULT);
		*rvalp = (int)st.ms_depth;
		return (0);

	case MSGQ_FLUSH:
		if (crgetuid(cr) != mq->mq_owner &&
		    secpolicy_sys_config(cr, B_FALSE) != 0)
			return (EPERM);
		mutex_enter(&mq->mq_lock);
		while ((mm = list_remove_head(&mq->mq_msgs)) != NULL) {
			kmem_cache_free(msgq_msg_cache, mm);
			mq->mq_depth--;
		}
		cv_broadcast(&mq->mq_cv);
		mutex_exit(&mq->mq_lock);
		return (0);

	default:
		return (ENOTTY);
	}
}

/*ARGSUSED*/
static int
msgq_getinfo(dev_info_t *dip, ddi_info_cmd_t cmd, void *arg, void **resultp)
{
	switch (cmd) {
	case DDI_INFO_DEVT2DEVINFO:
		*resultp = msgq_dip;
		return (DDI_SUCCESS);
	case DDI_INFO_DEVT2INSTANCE:
		*resultp = (void *)0;
		return (DDI_SUCCESS);
	default:
		return (DDI_FAILURE);
	}
}

static int
msgq_attach(dev_info_t *dip, ddi_attach_cmd_t cmd)
{
	switch (cmd) {
	case DDI_ATTACH:
		break;
	case DDI_RESUME:
		return (DDI_SUCCESS);
	default:
		return (DDI_FAILURE);
	}

	if (ddi_get_instance(dip) != 0)
		return (DDI_FAILURE);

	msgq_maxdepth = ddi_prop_get_int(DDI_DEV_T_ANY, dip,
	    DDI_PROP_DONTPASS, "max-depth", msgq_maxdepth);
	if (msgq_maxdepth <= 0 || msgq_maxdepth > 1024) {
		cmn_err(CE_WARN, "msgq: bad max-depth %d, using 8",
		    msgq_maxdepth);
		msgq_maxdepth = 8;
	}

	msgq_minors = id_space_create("msgq_minors", 1, MSGQ_MINOR_MAX);
	msgq_msg_cache = kmem_cache_create("msgq_msg_cache",
	    sizeof (msgq_msg_t), 0, msgq_msg_ctor, msgq_msg_dtor, NULL,
	    NULL, NULL, 0);

	if (ddi_create_minor_node(dip, "msgq", S_IFCHR, 0, DDI_PSEUDO,
	    0) != DDI_SUCCESS) {
		kmem_cache_destroy(msgq_msg_cache);
		id_space_destroy(msgq_minors);
		return (DDI_FAILURE);
	}
	msgq_dip = dip;
	ddi_report_dev(dip);
	return (DDI_SUCCESS);
}

static int
msgq_detach(dev_info_t *dip, ddi_detach_cmd_t cmd)
{
	switch (cmd) {
	case DDI_DETACH:
		break;
	case DDI_SUSPEND:
		return (DDI_SUCCESS);
	default:
		return (DDI_FAILURE);
	}
	if (msgq_nopen != 0)
		return (DDI_FAILURE);
	ddi_remove_minor_node(dip, NULL);
	kmem_cache_destroy(msgq_msg_cache);
	id_space_destroy(msgq_minors);
	msgq_dip = NULL;
	return (DDI_SUCCESS);
}

static struct cb_ops msgq_cb_ops = {
	msgq_open,		/* open */
	msgq_close,		/* close */
	nodev,			/* strategy */
	nodev,			/* print */
	nodev,			/* dump */
	msgq_read,		/* read */
	msgq_write,		/* write */
	msgq_ioctl,		/* ioctl */
	nodev,			/* devmap */
	nodev,			/* mmap */
	nodev,			/* segmap */
	nochpoll,		/* poll */
	ddi_prop_op,		/* prop_op */
	NULL,			/* streamtab */
	D_NEW | D_MP,		/* flags */
	CB_REV,			/* rev */
	nodev,			/* aread */
	nodev			/* awrite */
};

static struct dev_ops msgq_dev_ops = {
	DEVO_REV,		/* rev */
	0,			/* refcnt */
	msgq_getinfo,		/* getinfo */
	nulldev,		/* identify */
	nulldev,		/* probe */
	msgq_attach,		/* attach */
	msgq_detach,		/* detach */
	nodev,			/* reset */
	&msgq_cb_ops,		/* cb_ops */
	NULL,			/* bus_ops */
	NULL,			/* power */
	ddi_quiesce_not_needed,	/* quiesce */
};

static struct modldrv modldrv = {
	&mod_driverops,
	"message queue pseudo driver",
	&msgq_dev_ops
};

static struct modlinkage modlinkage = {
	MODREV_1,
	{ (void *)&modldrv, NULL }
};

int
_init(void)
{
	int error;

	if ((error = ddi_soft_state_init(&msgq_statep,
	    sizeof (msgq_state_t), 1)) != 0)
		return (error);
	if ((error = mod_install(&modlinkage)) != 0)
		ddi_soft_state_fini(&msgq_statep);
	return (error);
}

int
_info(struct modinfo *modinfop)
{
	return (mod_info(&modlinkage, modinfop));
}

int
_fini(void)
{
	int error;

	if ((error = mod_remove(&modlinkage)) != 0)
		return (error);
	ddi_soft_state_fini(&msgq_statep);
	return (0);
}
