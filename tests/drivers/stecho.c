/*
 * stecho: a STREAMS echo pseudo-driver, written as an illumos engineer
 * writes one from the STREAMS Programming Guide and the 9E/9F/9S pages
 * (the stprobe audit; tests/python/test_stecho.py, test_probe_fuzz.py).
 *
 * Every open of /dev/stecho is a clone open (CLONE_DEV node): each stream
 * gets a minor of its own and its own state. What is written comes back
 * to be read. The write service procedure echoes with qreply while the
 * stream head can take more (canputnext); the read side has a service
 * procedure only so that the head's back-enabling reaches the driver
 * (the loop driver's arrangement in the Guide): it re-enables the write
 * queue. The stream's configuration can ask for the echo to be upper-cased
 * or tagged with a sequence number, or held back and released in batches
 * every ec_delay_ms (qtimeout). An allocation that fails in the service
 * procedure is retried from qbufcall, or from a qtimeout when qbufcall
 * itself fails. close cancels both.
 *
 * The ioctls come as I_STR or TRANSPARENT (mcopyin/mcopyout):
 *   STECHO_GETSTAT  out  struct stecho_stat
 *   STECHO_SETCFG   in   struct stecho_cfg
 *   STECHO_XCHGCFG  in, then out: the new configuration in, the old out
 *
 * Perimeter: D_MTQPAIR, so a stream's put, service and qtimeout/qbufcall
 * callbacks never run at once and its state needs no lock; the minors come
 * from an id space, which has its own.
 *
 * Bug twins (-D): STECHO_BUG_NOUNTIMEOUT (close leaves the batch timer
 * armed), STECHO_BUG_NOFLUSH (M_FLUSH is freed, never turned around).
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/errno.h>
#include <sys/stat.h>
#include <sys/cmn_err.h>
#include <sys/debug.h>
#include <sys/kmem.h>
#include <sys/stream.h>
#include <sys/stropts.h>
#include <sys/strsun.h>
#include <sys/conf.h>
#include <sys/modctl.h>
#include <sys/devops.h>
#include <sys/id_space.h>
#include <sys/atomic.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>

#define	STECHO_IOC		('e' << 8)
#define	STECHO_GETSTAT		(STECHO_IOC | 1)
#define	STECHO_SETCFG		(STECHO_IOC | 2)
#define	STECHO_XCHGCFG		(STECHO_IOC | 3)

#define	ECF_UPPER	0x1	/* echo letters upper-cased */
#define	ECF_TAG		0x2	/* prefix each echo with its sequence number */
#define	ECF_ALL		(ECF_UPPER | ECF_TAG)
#define	EC_DELAY_MAX	1000	/* ms */

struct stecho_cfg {
	uint32_t	ec_flags;
	int32_t		ec_delay_ms;
};

struct stecho_stat {
	uint64_t	es_msgs;
	uint64_t	es_bytes;
	uint32_t	es_flushes;
	uint32_t	es_minor;
};

/* the transparent ioctls' copy stages, carried in cq_private */
#define	STAGE_IN	((mblk_t *)1)
#define	STAGE_OUT	((mblk_t *)2)

typedef struct stecho {
	queue_t			*se_rq;
	minor_t			se_minor;
	struct stecho_cfg	se_cfg;
	struct stecho_stat	se_stat;
	uint32_t		se_seq;
	boolean_t		se_release;	/* the batch timer fired */
	timeout_id_t		se_batch_tid;
	timeout_id_t		se_retry_tid;
	bufcall_id_t		se_bufcall;
	caddr_t			se_uaddr;	/* XCHGCFG's user address */
} stecho_t;

static dev_info_t *stecho_dip;
static id_space_t *stecho_minors;
static volatile uint32_t stecho_nstreams;

static int stecho_open(queue_t *, dev_t *, int, int, cred_t *);
static int stecho_close(queue_t *, int, cred_t *);
static int stecho_wput(queue_t *, mblk_t *);
static int stecho_wsrv(queue_t *);
static int stecho_rsrv(queue_t *);

static struct module_info stecho_minfo = {
	0x6563,		/* mi_idnum */
	"stecho",	/* mi_idname */
	0,		/* mi_minpsz */
	INFPSZ,		/* mi_maxpsz */
	2048,		/* mi_hiwat */
	512		/* mi_lowat */
};

static struct qinit stecho_rinit = {
	NULL, stecho_rsrv, stecho_open, stecho_close, NULL, &stecho_minfo, NULL
};

static struct qinit stecho_winit = {
	stecho_wput, stecho_wsrv, NULL, NULL, NULL, &stecho_minfo, NULL
};

static struct streamtab stecho_tab = {
	&stecho_rinit, &stecho_winit, NULL, NULL
};

/* ARGSUSED */
static int
stecho_open(queue_t *q, dev_t *devp, int flag, int sflag, cred_t *cr)
{
	stecho_t *sp;
	id_t minor;

	if (sflag != CLONEOPEN)
		return (ENXIO);
	if (q->q_ptr != NULL)
		return (0);

	if ((minor = id_alloc_nosleep(stecho_minors)) == -1)
		return (ENOMEM);

	sp = kmem_zalloc(sizeof (*sp), KM_SLEEP);
	sp->se_rq = q;
	sp->se_minor = (minor_t)minor;
	sp->se_stat.es_minor = (uint32_t)minor;
	q->q_ptr = WR(q)->q_ptr = sp;
	*devp = makedevice(getmajor(*devp), (minor_t)minor);
	atomic_inc_32(&stecho_nstreams);
	qprocson(q);
	return (0);
}

/* ARGSUSED */
static int
stecho_close(queue_t *q, int flag, cred_t *cr)
{
	stecho_t *sp = q->q_ptr;

	qprocsoff(q);
	/*
	 * With procedures off and this close inside the queue pair's
	 * perimeter, no callback can be running; cancel the pending ones.
	 */
#ifndef STECHO_BUG_NOUNTIMEOUT
	if (sp->se_batch_tid != 0) {
		(void) quntimeout(q, sp->se_batch_tid);
		sp->se_batch_tid = 0;
	}
#endif
	if (sp->se_retry_tid != 0) {
		(void) quntimeout(q, sp->se_retry_tid);
		sp->se_retry_tid = 0;
	}
	if (sp->se_bufcall != 0) {
		qunbufcall(q, sp->se_bufcall);
		sp->se_bufcall = 0;
	}
	flushq(WR(q), FLUSHALL);
	flushq(q, FLUSHALL);

	id_free(stecho_minors, (id_t)sp->se_minor);
	q->q_ptr = WR(q)->q_ptr = NULL;
	kmem_free(sp, sizeof (*sp));
	atomic_dec_32(&stecho_nstreams);
	return (0);
}

static void
stecho_batch(void *arg)
{
	queue_t *wq = arg;
	stecho_t *sp = wq->q_ptr;

	sp->se_batch_tid = 0;
	sp->se_release = B_TRUE;
	qenable(wq);
}

static void
stecho_retry(void *arg)
{
	queue_t *wq = arg;
	stecho_t *sp = wq->q_ptr;

	sp->se_retry_tid = 0;
	qenable(wq);
}

static void
stecho_bufcb(void *arg)
{
	queue_t *wq = arg;
	stecho_t *sp = wq->q_ptr;

	sp->se_bufcall = 0;
	qenable(wq);
}

/*
 * An allocation failed in the service procedure: try again when memory
 * may be there (qbufcall), or in 10 ms if even that cannot be arranged.
 */
static void
stecho_wait_for_memory(queue_t *wq, stecho_t *sp, size_t size)
{
	if (sp->se_bufcall != 0 || sp->se_retry_tid != 0)
		return;
	sp->se_bufcall = qbufcall(wq, size, BPRI_MED, stecho_bufcb, wq);
	if (sp->se_bufcall == 0)
		sp->se_retry_tid = qtimeout(wq, stecho_retry, wq,
		    drv_usectohz(10000));
}

/*
 * The echo of mp as the configuration asks, or NULL (mp untouched) when a
 * block for it cannot be had.
 */
static mblk_t *
stecho_shape(queue_t *wq, stecho_t *sp, mblk_t *mp)
{
	mblk_t *bp;

	if ((sp->se_cfg.ec_flags & ECF_UPPER) && DB_TYPE(mp) == M_DATA) {
		if (DB_REF(mp) > 1 || mp->b_cont != NULL) {
			/* a private, contiguous copy to change in place */
			mblk_t *nmp = msgpullup(mp, -1);

			if (nmp == NULL) {
				stecho_wait_for_memory(wq, sp, msgdsize(mp));
				return (NULL);
			}
			freemsg(mp);
			mp = nmp;
		}
		{
			uchar_t *p;

			for (p = mp->b_rptr; p < mp->b_wptr; p++) {
				if (*p >= 'a' && *p <= 'z')
					*p -= 'a' - 'A';
			}
		}
	}
	if ((sp->se_cfg.ec_flags & ECF_TAG) && DB_TYPE(mp) == M_DATA) {
		uint32_t seq = sp->se_seq + 1;

		if ((bp = allocb(sizeof (seq), BPRI_MED)) == NULL) {
			stecho_wait_for_memory(wq, sp, sizeof (seq));
			return (NULL);
		}
		bcopy(&seq, bp->b_wptr, sizeof (seq));
		bp->b_wptr += sizeof (seq);
		bp->b_cont = mp;
		mp = bp;
		sp->se_seq = seq;
	}
	return (mp);
}

static void
stecho_count(stecho_t *sp, mblk_t *mp)
{
	sp->se_stat.es_msgs++;
	sp->se_stat.es_bytes += msgdsize(mp);
}

static int
stecho_wsrv(queue_t *q)
{
	stecho_t *sp = q->q_ptr;
	mblk_t *mp, *out;
	size_t n;

	if (sp->se_cfg.ec_delay_ms != 0 && !sp->se_release) {
		/* hold the batch until the timer lets it go */
		if (q->q_first != NULL && sp->se_batch_tid == 0) {
			sp->se_batch_tid = qtimeout(q, stecho_batch, q,
			    drv_usectohz((clock_t)sp->se_cfg.ec_delay_ms * 1000));
		}
		return (0);
	}

	while ((mp = getq(q)) != NULL) {
		if (!canputnext(RD(q))) {
			(void) putbq(q, mp);
			return (0);
		}
		n = msgdsize(mp);
		if ((out = stecho_shape(q, sp, mp)) == NULL) {
			(void) putbq(q, mp);
			return (0);
		}
		sp->se_stat.es_msgs++;
		sp->se_stat.es_bytes += n;
		qreply(q, out);
	}
	sp->se_release = B_FALSE;
	return (0);
}

/*
 * The head has room again (back-enabled through this queue): let the
 * write side go on.
 */
static int
stecho_rsrv(queue_t *q)
{
	qenable(WR(q));
	return (0);
}

static void
stecho_flush(queue_t *q, mblk_t *mp)
{
	stecho_t *sp = q->q_ptr;

	sp->se_stat.es_flushes++;
#ifdef STECHO_BUG_NOFLUSH
	if (*mp->b_rptr & FLUSHW)
		flushq(q, FLUSHDATA);
	freemsg(mp);
#else
	if (*mp->b_rptr & FLUSHW) {
		flushq(q, FLUSHDATA);
		*mp->b_rptr &= ~FLUSHW;
	}
	if (*mp->b_rptr & FLUSHR) {
		flushq(RD(q), FLUSHDATA);
		qreply(q, mp);
	} else {
		freemsg(mp);
	}
#endif
}

static int
stecho_cfg_ok(const struct stecho_cfg *cfg)
{
	return ((cfg->ec_flags & ~ECF_ALL) == 0 &&
	    cfg->ec_delay_ms >= 0 && cfg->ec_delay_ms <= EC_DELAY_MAX);
}

/*
 * A new configuration: echo now what the old one held back, if the delay
 * goes away (the batch timer stays; it finds nothing to release).
 */
static void
stecho_set_cfg(queue_t *wq, stecho_t *sp, const struct stecho_cfg *cfg)
{
	sp->se_cfg = *cfg;
	if (cfg->ec_delay_ms == 0 && wq->q_first != NULL)
		qenable(wq);
}

static void
stecho_ioctl(queue_t *q, mblk_t *mp)
{
	stecho_t *sp = q->q_ptr;
	struct iocblk *iocp = (struct iocblk *)mp->b_rptr;
	struct stecho_cfg *cfg;
	mblk_t *dp;
	int err;

	switch (iocp->ioc_cmd) {
	case STECHO_GETSTAT:
		if (iocp->ioc_count == TRANSPARENT) {
			if ((dp = allocb(sizeof (sp->se_stat), BPRI_MED)) == NULL) {
				miocnak(q, mp, 0, ENOMEM);
				return;
			}
			bcopy(&sp->se_stat, dp->b_wptr, sizeof (sp->se_stat));
			mcopyout(mp, NULL, sizeof (sp->se_stat), NULL, dp);
			qreply(q, mp);
			return;
		}
		if ((err = miocpullup(mp, sizeof (sp->se_stat))) != 0) {
			miocnak(q, mp, 0, err);
			return;
		}
		bcopy(&sp->se_stat, mp->b_cont->b_rptr, sizeof (sp->se_stat));
		miocack(q, mp, sizeof (sp->se_stat), 0);
		return;

	case STECHO_SETCFG:
		if (iocp->ioc_count == TRANSPARENT) {
			mcopyin(mp, NULL, sizeof (struct stecho_cfg), NULL);
			qreply(q, mp);
			return;
		}
		if ((err = miocpullup(mp, sizeof (struct stecho_cfg))) != 0) {
			miocnak(q, mp, 0, err);
			return;
		}
		cfg = (struct stecho_cfg *)mp->b_cont->b_rptr;
		if (!stecho_cfg_ok(cfg)) {
			miocnak(q, mp, 0, EINVAL);
			return;
		}
		stecho_set_cfg(q, sp, cfg);
		miocack(q, mp, 0, 0);
		return;

	case STECHO_XCHGCFG:
		if (iocp->ioc_count == TRANSPARENT) {
			sp->se_uaddr = *(caddr_t *)mp->b_cont->b_rptr;
			mcopyin(mp, STAGE_IN, sizeof (struct stecho_cfg), NULL);
			qreply(q, mp);
			return;
		}
		if ((err = miocpullup(mp, sizeof (struct stecho_cfg))) != 0) {
			miocnak(q, mp, 0, err);
			return;
		}
		cfg = (struct stecho_cfg *)mp->b_cont->b_rptr;
		if (!stecho_cfg_ok(cfg)) {
			miocnak(q, mp, 0, EINVAL);
			return;
		}
		{
			struct stecho_cfg old = sp->se_cfg;

			stecho_set_cfg(q, sp, cfg);
			*cfg = old;
		}
		miocack(q, mp, sizeof (struct stecho_cfg), 0);
		return;

	default:
		miocnak(q, mp, 0, EINVAL);
		return;
	}
}

/* The answer to an M_COPYIN or M_COPYOUT of a transparent ioctl. */
static void
stecho_iocdata(queue_t *q, mblk_t *mp)
{
	stecho_t *sp = q->q_ptr;
	struct copyresp *csp = (struct copyresp *)mp->b_rptr;
	struct stecho_cfg *cfg;
	mblk_t *dp;
	int err;

	if (csp->cp_rval != 0) {
		/* the copy failed: the head has failed the ioctl */
		freemsg(mp);
		return;
	}

	switch (csp->cp_cmd) {
	case STECHO_GETSTAT:
		miocack(q, mp, 0, 0);
		return;

	case STECHO_SETCFG:
		if ((err = miocpullup(mp, sizeof (struct stecho_cfg))) != 0) {
			miocnak(q, mp, 0, err);
			return;
		}
		cfg = (struct stecho_cfg *)mp->b_cont->b_rptr;
		if (!stecho_cfg_ok(cfg)) {
			miocnak(q, mp, 0, EINVAL);
			return;
		}
		stecho_set_cfg(q, sp, cfg);
		miocack(q, mp, 0, 0);
		return;

	case STECHO_XCHGCFG:
		if (csp->cp_private == STAGE_OUT) {
			miocack(q, mp, 0, 0);
			return;
		}
		if ((err = miocpullup(mp, sizeof (struct stecho_cfg))) != 0) {
			miocnak(q, mp, 0, err);
			return;
		}
		cfg = (struct stecho_cfg *)mp->b_cont->b_rptr;
		if (!stecho_cfg_ok(cfg)) {
			miocnak(q, mp, 0, EINVAL);
			return;
		}
		if ((dp = allocb(sizeof (struct stecho_cfg), BPRI_MED)) == NULL) {
			miocnak(q, mp, 0, ENOMEM);
			return;
		}
		bcopy(&sp->se_cfg, dp->b_wptr, sizeof (struct stecho_cfg));
		stecho_set_cfg(q, sp, cfg);
		mcopyout(mp, STAGE_OUT, sizeof (struct stecho_cfg), sp->se_uaddr, dp);
		qreply(q, mp);
		return;

	default:
		miocnak(q, mp, 0, EINVAL);
		return;
	}
}

static int
stecho_wput(queue_t *q, mblk_t *mp)
{
	stecho_t *sp = q->q_ptr;

	if (datamsg(DB_TYPE(mp))) {
		/* nothing shaped or held back and nothing before it: echo now */
		if (sp->se_cfg.ec_flags == 0 && sp->se_cfg.ec_delay_ms == 0 &&
		    q->q_first == NULL && canputnext(RD(q))) {
			stecho_count(sp, mp);
			qreply(q, mp);
		} else {
			(void) putq(q, mp);
		}
		return (0);
	}

	switch (DB_TYPE(mp)) {
	case M_FLUSH:
		stecho_flush(q, mp);
		break;
	case M_IOCTL:
		stecho_ioctl(q, mp);
		break;
	case M_IOCDATA:
		stecho_iocdata(q, mp);
		break;
	default:
		freemsg(mp);
		break;
	}
	return (0);
}

/* ARGSUSED */
static int
stecho_getinfo(dev_info_t *dip, ddi_info_cmd_t cmd, void *arg, void **result)
{
	switch (cmd) {
	case DDI_INFO_DEVT2DEVINFO:
		*result = stecho_dip;
		return (stecho_dip != NULL ? DDI_SUCCESS : DDI_FAILURE);
	case DDI_INFO_DEVT2INSTANCE:
		*result = (void *)0;
		return (DDI_SUCCESS);
	default:
		return (DDI_FAILURE);
	}
}

static int
stecho_attach(dev_info_t *dip, ddi_attach_cmd_t cmd)
{
	if (cmd != DDI_ATTACH)
		return (DDI_FAILURE);
	if (ddi_get_instance(dip) != 0)
		return (DDI_FAILURE);
	if (ddi_create_minor_node(dip, "stecho", S_IFCHR, 0, DDI_PSEUDO,
	    CLONE_DEV) != DDI_SUCCESS)
		return (DDI_FAILURE);
	stecho_dip = dip;
	ddi_report_dev(dip);
	return (DDI_SUCCESS);
}

static int
stecho_detach(dev_info_t *dip, ddi_detach_cmd_t cmd)
{
	if (cmd != DDI_DETACH)
		return (DDI_FAILURE);
	if (stecho_nstreams != 0)
		return (DDI_FAILURE);
	ddi_remove_minor_node(dip, NULL);
	stecho_dip = NULL;
	return (DDI_SUCCESS);
}

DDI_DEFINE_STREAM_OPS(stecho_ops, nulldev, nulldev, stecho_attach,
    stecho_detach, nodev, stecho_getinfo, D_MP | D_MTQPAIR, &stecho_tab,
    ddi_quiesce_not_needed);

static struct modldrv stecho_modldrv = {
	&mod_driverops,
	"STREAMS echo driver",
	&stecho_ops
};

static struct modlinkage stecho_modlinkage = {
	MODREV_1, &stecho_modldrv, NULL
};

int
_init(void)
{
	int rv;

	stecho_minors = id_space_create("stecho_minors", 1, MAXMIN32);
	if ((rv = mod_install(&stecho_modlinkage)) != 0)
		id_space_destroy(stecho_minors);
	return (rv);
}

int
_fini(void)
{
	int rv;

	if ((rv = mod_remove(&stecho_modlinkage)) == 0)
		id_space_destroy(stecho_minors);
	return (rv);
}

int
_info(struct modinfo *modinfop)
{
	return (mod_info(&stecho_modlinkage, modinfop));
}
