/*
 * stline: a STREAMS line-editing loopback pseudo-driver, written as an
 * illumos engineer writes one from the STREAMS Programming Guide and the
 * 9F pages, to use the queue utilities a line discipline reaches for
 * (tests/python/test_streams_util.py).
 *
 * Every open of /dev/stline is a clone open. What is written comes back
 * to be read, through the write queue: its service procedure sends each
 * message up the read side while the stream head's band has room
 * (bcanputnext by the message's band). Data is edited on the write queue
 * before it goes up, by its first byte:
 *   '!'   urgent: the byte is stripped (adjmsg) and the rest sent in
 *         band 1, ahead of ordinary data still queued;
 *   '^'   to the front: stripped, and inserted before the first ordinary
 *         message waiting (freezestr, insq);
 *   0x15  line kill (^U): every ordinary data message waiting is dropped
 *         (freezestr, rmvq), counted and logged (strlog).
 * An M_PROTO LINE_PING is answered in place with an M_PCPROTO LINE_PONG
 * carrying the write queue's length (mexchange, qsize).
 *
 * I_STR ioctls:
 *   LINE_HOLD     hold the write queue (noenable): data waits on it
 *   LINE_RELEASE  let it go (enableok, qenable)
 *   LINE_STAT     out struct line_stat (mioc2ack)
 *   LINE_FATAL    the stream is put in error EPROTO (merror)
 *
 * D_MP with no perimeter: the write put and service procedures run at
 * once, so a walk of the write queue holds it frozen (freezestr); the
 * per-stream counters have a lock of their own.
 *
 * Bug twin (-D): STLINE_BUG_NOFREEZE walks the queue for a line kill
 * without freezing it: the service procedure's getq can take the message
 * the walk is about to rmvq.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/errno.h>
#include <sys/stat.h>
#include <sys/cmn_err.h>
#include <sys/kmem.h>
#include <sys/ksynch.h>
#include <sys/stream.h>
#include <sys/stropts.h>
#include <sys/strsun.h>
#include <sys/strlog.h>
#include <sys/conf.h>
#include <sys/modctl.h>
#include <sys/devops.h>
#include <sys/id_space.h>
#include <sys/atomic.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>

#define	LINE_IOC	('l' << 8)
#define	LINE_HOLD	(LINE_IOC | 1)
#define	LINE_RELEASE	(LINE_IOC | 2)
#define	LINE_STAT	(LINE_IOC | 3)
#define	LINE_FATAL	(LINE_IOC | 4)

#define	LINE_PING	0x70696e67
#define	LINE_PONG	0x706f6e67

#define	LINE_URGENT	'!'
#define	LINE_FRONT	'^'
#define	LINE_KILL	0x15

#define	STLINE_MID	0x6c6e

struct line_stat {
	int32_t	ls_queued;	/* messages on the write queue */
	int32_t	ls_killed;	/* dropped by line kills */
};

struct line_pong {
	int32_t	lp_prim;
	int32_t	lp_queued;
};

typedef struct stline {
	kmutex_t	sl_lock;
	minor_t		sl_minor;
	int32_t		sl_killed;	/* sl_lock */
} stline_t;

static dev_info_t *stline_dip;
static id_space_t *stline_minors;
static volatile uint32_t stline_nstreams;

static int stline_open(queue_t *, dev_t *, int, int, cred_t *);
static int stline_close(queue_t *, int, cred_t *);
static int stline_wput(queue_t *, mblk_t *);
static int stline_wsrv(queue_t *);
static int stline_rsrv(queue_t *);

static struct module_info stline_minfo = {
	0x6c6e, "stline", 0, INFPSZ, 4096, 1024
};

static struct qinit stline_rinit = {
	NULL, stline_rsrv, stline_open, stline_close, NULL, &stline_minfo, NULL
};

static struct qinit stline_winit = {
	stline_wput, stline_wsrv, NULL, NULL, NULL, &stline_minfo, NULL
};

static struct streamtab stline_tab = {
	&stline_rinit, &stline_winit, NULL, NULL
};

/* ARGSUSED */
static int
stline_open(queue_t *q, dev_t *devp, int flag, int sflag, cred_t *cr)
{
	stline_t *sp;
	id_t minor;

	if (sflag != CLONEOPEN)
		return (ENXIO);
	if (q->q_ptr != NULL)
		return (0);
	if ((minor = id_alloc_nosleep(stline_minors)) == -1)
		return (ENOMEM);
	sp = kmem_zalloc(sizeof (*sp), KM_SLEEP);
	mutex_init(&sp->sl_lock, NULL, MUTEX_DRIVER, NULL);
	sp->sl_minor = (minor_t)minor;
	q->q_ptr = WR(q)->q_ptr = sp;
	*devp = makedevice(getmajor(*devp), (minor_t)minor);
	atomic_inc_32(&stline_nstreams);
	qprocson(q);
	return (0);
}

/* ARGSUSED */
static int
stline_close(queue_t *q, int flag, cred_t *cr)
{
	stline_t *sp = q->q_ptr;

	qprocsoff(q);
	flushq(WR(q), FLUSHALL);
	flushq(q, FLUSHALL);
	id_free(stline_minors, (id_t)sp->sl_minor);
	q->q_ptr = WR(q)->q_ptr = NULL;
	mutex_destroy(&sp->sl_lock);
	kmem_free(sp, sizeof (*sp));
	atomic_dec_32(&stline_nstreams);
	return (0);
}

static boolean_t
stline_ordinary(mblk_t *mp)
{
	return (DB_TYPE(mp) == M_DATA && mp->b_band == 0);
}

/* ^U: drop every ordinary data message waiting on the write queue. */
static void
stline_kill(queue_t *q)
{
	stline_t *sp = q->q_ptr;
	mblk_t *mp, *next;
	int n = 0;

#ifndef STLINE_BUG_NOFREEZE
	freezestr(q);
#endif
	for (mp = q->q_first; mp != NULL; mp = next) {
		next = mp->b_next;
		if (!stline_ordinary(mp))
			continue;
		rmvq(q, mp);
		freemsg(mp);
		n++;
	}
#ifndef STLINE_BUG_NOFREEZE
	unfreezestr(q);
#endif
	mutex_enter(&sp->sl_lock);
	sp->sl_killed += n;
	mutex_exit(&sp->sl_lock);
	(void) strlog(STLINE_MID, (short)sp->sl_minor, 1, SL_TRACE | SL_CONSOLE,
	    "stline%d: line kill dropped %d", (int)sp->sl_minor, n);
}

/* '^': before the first ordinary message waiting (after urgent ones). */
static void
stline_front(queue_t *q, mblk_t *mp)
{
	mblk_t *emp;

	freezestr(q);
	for (emp = q->q_first; emp != NULL; emp = emp->b_next) {
		if (DB_TYPE(emp) < QPCTL && emp->b_band == 0)
			break;
	}
	if (!insq(q, emp, mp))
		freemsg(mp);
	unfreezestr(q);
}

static void
stline_data(queue_t *q, mblk_t *mp)
{
	unsigned char c;

	if (MBLKL(mp) == 0) {
		(void) putq(q, mp);
		return;
	}
	c = *mp->b_rptr;
	switch (c) {
	case LINE_KILL:
		freemsg(mp);
		stline_kill(q);
		return;
	case LINE_URGENT:
		(void) adjmsg(mp, 1);
		mp->b_band = 1;
		(void) putq(q, mp);
		return;
	case LINE_FRONT:
		(void) adjmsg(mp, 1);
		stline_front(q, mp);
		return;
	default:
		(void) putq(q, mp);
		return;
	}
}

static void
stline_ioctl(queue_t *q, mblk_t *mp)
{
	struct iocblk *iocp = (struct iocblk *)mp->b_rptr;
	stline_t *sp = q->q_ptr;
	struct line_stat *ls;
	mblk_t *dp;

	if (iocp->ioc_count == TRANSPARENT) {
		miocnak(q, mp, 0, EINVAL);
		return;
	}
	switch (iocp->ioc_cmd) {
	case LINE_HOLD:
		noenable(q);
		miocack(q, mp, 0, 0);
		return;
	case LINE_RELEASE:
		enableok(q);
		qenable(q);
		miocack(q, mp, 0, 0);
		return;
	case LINE_STAT:
		if ((dp = allocb(sizeof (*ls), BPRI_MED)) == NULL) {
			miocnak(q, mp, 0, ENOSR);
			return;
		}
		ls = (struct line_stat *)dp->b_rptr;
		ls->ls_queued = qsize(q);
		mutex_enter(&sp->sl_lock);
		ls->ls_killed = sp->sl_killed;
		mutex_exit(&sp->sl_lock);
		mioc2ack(mp, dp, sizeof (*ls), 0);
		qreply(q, mp);
		return;
	case LINE_FATAL:
		merror(q, mp, EPROTO);
		return;
	default:
		miocnak(q, mp, 0, EINVAL);
		return;
	}
}

static int
stline_wput(queue_t *q, mblk_t *mp)
{
	struct line_pong *pp;

	switch (DB_TYPE(mp)) {
	case M_DATA:
		stline_data(q, mp);
		break;
	case M_PROTO:
		if (MBLKL(mp) < sizeof (int32_t) ||
		    *(int32_t *)mp->b_rptr != LINE_PING) {
			freemsg(mp);
			break;
		}
		mp = mexchange(q, mp, sizeof (*pp), M_PCPROTO, LINE_PONG);
		if (mp == NULL)
			break;
		pp = (struct line_pong *)mp->b_rptr;
		pp->lp_queued = qsize(q);
		qreply(q, mp);
		break;
	case M_FLUSH:
		if (*mp->b_rptr & FLUSHW)
			flushq(q, FLUSHDATA);
		if (*mp->b_rptr & FLUSHR) {
			flushq(RD(q), FLUSHDATA);
			*mp->b_rptr &= ~FLUSHW;
			qreply(q, mp);
		} else {
			freemsg(mp);
		}
		break;
	case M_IOCTL:
		stline_ioctl(q, mp);
		break;
	default:
		freemsg(mp);
		break;
	}
	return (0);
}

static int
stline_wsrv(queue_t *q)
{
	mblk_t *mp;

	while ((mp = getq(q)) != NULL) {
		if (!bcanputnext(RD(q), mp->b_band)) {
			(void) putbq(q, mp);
			break;
		}
		putnext(RD(q), mp);
	}
	return (0);
}

/* Back-enabled by the stream head: the write side has more to send. */
static int
stline_rsrv(queue_t *q)
{
	qenable(WR(q));
	return (0);
}

/* ARGSUSED */
static int
stline_getinfo(dev_info_t *dip, ddi_info_cmd_t cmd, void *arg, void **result)
{
	switch (cmd) {
	case DDI_INFO_DEVT2DEVINFO:
		*result = stline_dip;
		return (stline_dip != NULL ? DDI_SUCCESS : DDI_FAILURE);
	case DDI_INFO_DEVT2INSTANCE:
		*result = (void *)0;
		return (DDI_SUCCESS);
	default:
		return (DDI_FAILURE);
	}
}

static int
stline_attach(dev_info_t *dip, ddi_attach_cmd_t cmd)
{
	if (cmd != DDI_ATTACH || ddi_get_instance(dip) != 0)
		return (DDI_FAILURE);
	if (ddi_create_minor_node(dip, "stline", S_IFCHR, 0, DDI_PSEUDO,
	    CLONE_DEV) != DDI_SUCCESS)
		return (DDI_FAILURE);
	stline_dip = dip;
	return (DDI_SUCCESS);
}

static int
stline_detach(dev_info_t *dip, ddi_detach_cmd_t cmd)
{
	if (cmd != DDI_DETACH || stline_nstreams != 0)
		return (DDI_FAILURE);
	ddi_remove_minor_node(dip, NULL);
	stline_dip = NULL;
	return (DDI_SUCCESS);
}

DDI_DEFINE_STREAM_OPS(stline_ops, nulldev, nulldev, stline_attach,
    stline_detach, nodev, stline_getinfo, D_MP, &stline_tab,
    ddi_quiesce_not_needed);

static struct modldrv stline_modldrv = {
	&mod_driverops, "STREAMS line-editing loopback", &stline_ops
};

static struct modlinkage stline_modlinkage = {
	MODREV_1, &stline_modldrv, NULL
};

int
_init(void)
{
	int rv;

	stline_minors = id_space_create("stline_minors", 1, MAXMIN32);
	if ((rv = mod_install(&stline_modlinkage)) != 0)
		id_space_destroy(stline_minors);
	return (rv);
}

int
_fini(void)
{
	int rv;

	if ((rv = mod_remove(&stline_modlinkage)) == 0)
		id_space_destroy(stline_minors);
	return (rv);
}

int
_info(struct modinfo *modinfop)
{
	return (mod_info(&stline_modlinkage, modinfop));
}
