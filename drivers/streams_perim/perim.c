/*
 * streams_perim: a loopback STREAMS driver with no locks at all: its state
 * is guarded by STREAMS perimeters (mt-streams(9F)) only, as the STREAMS
 * Programming Guide recommends for MT-safe modules. A write is echoed: the
 * write put procedure queues it, the write service procedure moves it to
 * the read queue, the read service procedure sends it up. Minors 0 and 1
 * are two streams of one driver. PERIMSETOPTS sends the caller's stream
 * head options up (M_SETOPTS); PERIMHEADQ reports the head read queue's
 * marks, packet sizes and count as the driver sees them. M_PROTO and
 * M_PCPROTO (putmsg) are echoed like data, so getmsg gets them back.
 *
 * Built twice from this file (drivers/CMakeLists.txt):
 *   streams_perim   D_MTQPAIR | D_MTOUTPERIM | D_MTOCEXCL: per-queue state
 *                   (pi_down, the write put procedure's), per-pair state
 *                   (pi_pair, the write put and read service procedures'),
 *                   module state (the instance list, open and close's,
 *                   exclusive at the outer perimeter; put procedures read
 *                   it shared). PERIMSTART counts starts in a record the
 *                   first one allocates, through qwriter(PERIM_OUTER).
 *   streams_permod  D_MTPERMOD | D_MTPUTSHARED (PERIM_PERMOD): module-wide
 *                   counters; put procedures run shared, so the write put
 *                   procedure counts through qwriter(PERIM_INNER); the
 *                   service procedures (exclusive) count directly.
 *
 * Bug variants (KS_VARIANT), each a real mistake in declaring or using
 * perimeters:
 *   streams_perim:
 *     perq         declares D_MTPERQ, not D_MTQPAIR: the write put and read
 *                  service procedures share pi_pair across two perimeters.
 *     no_inner     declares no inner perimeter: two writers' put
 *                  procedures update pi_down at once.
 *     no_ocexcl    leaves D_MTOCEXCL out: opens of two streams run shared
 *                  at the outer perimeter and both link the instance list.
 *     qwriter_sync counts the call after qwriter(PERIM_OUTER) in the
 *                  record the callback allocates, assuming the callback
 *                  ran: when it was deferred (another thread inside the
 *                  outer perimeter), the record is not there yet.
 *     plain_timeout PERIMTICK arms timeout(9F) instead of qtimeout(9F):
 *                  the tick updates pi_pair outside the perimeter.
 *   streams_permod:
 *     no_permod    declares D_MTQPAIR, not D_MTPERMOD: two streams' service
 *                  procedures update the module-wide count at once.
 *     put_unshared counts in the write put procedure directly, though
 *                  D_MTPUTSHARED lets put procedures run together.
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/stat.h>
#include <sys/conf.h>
#include <sys/devops.h>
#include <sys/modctl.h>
#include <sys/kmem.h>
#include <sys/stream.h>
#include <sys/stropts.h>
#include <sys/strsun.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/kernsim.h>
#include <string.h>

#include "perim_io.h"

#ifdef PERIM_PERMOD
#define PERIM_DRV "streams_permod"
#define PERIM_NODE "permod"
#define PERIM_FLAGS (D_NEW | D_MP | D_MTPERMOD | D_MTPUTSHARED)
#else
#define PERIM_DRV "streams_perim"
#define PERIM_NODE "perim"
#define PERIM_FLAGS (D_NEW | D_MP | D_MTQPAIR | D_MTOUTPERIM | D_MTOCEXCL)
#endif
#define PERIM_BUG(name) KS_VARIANT(PERIM_DRV, name)

typedef struct perim_inst {
	struct perim_inst *pi_next;	/* the instance list */
	minor_t pi_minor;
	uint32_t pi_down;	/* write put procedure only: the queue's */
	uint32_t pi_pair;	/* write put and read service: the pair's */
	uint32_t pi_seen;	/* instances open when the last write came */
	timeout_id_t pi_tick;	/* PERIMTICK's, until it runs */
} perim_inst_t;

typedef struct perim_stats {
	uint32_t ps_starts;
	uint32_t ps_calls;
} perim_stats_t;

static dev_info_t *perim_dip;
static perim_inst_t *perim_list;	/* open/close: outer perimeter, exclusive */
static uint32_t perim_ninst;
#ifdef PERIM_PERMOD
static uint32_t perim_puts;		/* writes put, via qwriter */
static uint32_t perim_msgs;		/* messages serviced */
#else
static perim_stats_t *perim_stats;	/* the first PERIMSTART's, exclusive */
#endif

static int
perim_open(queue_t *q, dev_t *devp, int flag, int sflag, cred_t *credp)
{
	perim_inst_t *pi;

	if (sflag != 0)
		return (EINVAL);
	if (q->q_ptr != NULL)
		return (0);
	pi = kmem_zalloc(sizeof (*pi), KM_SLEEP);
	pi->pi_minor = getminor(*devp);
	pi->pi_next = perim_list;
	perim_list = pi;
	perim_ninst++;
	q->q_ptr = WR(q)->q_ptr = pi;
	qprocson(q);
	return (0);
}

/* PERIMTICK's callback: inside the perimeter when armed with qtimeout. */
static void
perim_tick(void *arg)
{
	perim_inst_t *pi = arg;

	pi->pi_pair++;
	pi->pi_tick = 0;
}

static int
perim_close(queue_t *q, int flag, cred_t *credp)
{
	perim_inst_t *pi = q->q_ptr, **pp;

	if (pi->pi_tick != 0) {
		if (PERIM_BUG("plain_timeout"))
			(void) untimeout(pi->pi_tick);
		else
			(void) quntimeout(q, pi->pi_tick);
	}
	qprocsoff(q);
	for (pp = &perim_list; *pp != NULL; pp = &(*pp)->pi_next) {
		if (*pp == pi) {
			*pp = pi->pi_next;
			break;
		}
	}
	perim_ninst--;
	q->q_ptr = WR(q)->q_ptr = NULL;
	kmem_free(pi, sizeof (*pi));
	return (0);
}

#ifndef PERIM_PERMOD
/* PERIMSTART with exclusive access at the outer perimeter. */
static void
perim_start(queue_t *q, mblk_t *mp)
{
	if (perim_stats == NULL)
		perim_stats = kmem_zalloc(sizeof (*perim_stats), KM_NOSLEEP);
	if (perim_stats == NULL) {
		miocnak(q, mp, 0, ENOMEM);
		return;
	}
	perim_stats->ps_starts++;
	miocack(q, mp, 0, (int)perim_stats->ps_starts);
}
#else

/* A write, counted with exclusive access at the (module-wide) inner perimeter. */
static void
perim_count_put(queue_t *q, mblk_t *mp)
{
	perim_puts++;
	(void) putq(q, mp);
}
#endif

/* PERIMSETOPTS: the caller's options up to the stream head (M_SETOPTS). */
static void
perim_setopts(queue_t *q, mblk_t *mp)
{
	struct perim_opts *po;
	struct stroptions *sop;
	mblk_t *op;

	if (miocpullup(mp, sizeof (*po)) != 0) {
		miocnak(q, mp, 0, EINVAL);
		return;
	}
	po = (struct perim_opts *)mp->b_cont->b_rptr;
	if ((op = allocb(sizeof (*sop), BPRI_MED)) == NULL) {
		miocnak(q, mp, 0, ENOSR);
		return;
	}
	DB_TYPE(op) = M_SETOPTS;
	sop = (struct stroptions *)op->b_wptr;
	memset(sop, 0, sizeof (*sop));
	sop->so_flags = po->po_flags;
	sop->so_readopt = (short)po->po_readopt;
	sop->so_hiwat = po->po_hiwat;
	sop->so_lowat = po->po_lowat;
	sop->so_minpsz = po->po_minpsz;
	sop->so_maxpsz = po->po_maxpsz;
	op->b_wptr += sizeof (*sop);
	/* Up before the ack: the options hold when the ioctl returns. */
	qreply(q, op);
	miocack(q, mp, 0, 0);
}

/* PERIMHEADQ: what the stream head's read queue asks of this driver. */
static void
perim_headq(queue_t *q, mblk_t *mp)
{
	queue_t *hq = RD(q)->q_next;
	struct perim_opts *po;

	if (miocpullup(mp, sizeof (*po)) != 0) {
		miocnak(q, mp, 0, EINVAL);
		return;
	}
	po = (struct perim_opts *)mp->b_cont->b_rptr;
	memset(po, 0, sizeof (*po));
	po->po_hiwat = (uint32_t)hq->q_hiwat;
	po->po_lowat = (uint32_t)hq->q_lowat;
	po->po_minpsz = (int32_t)hq->q_minpsz;
	po->po_maxpsz = (int32_t)hq->q_maxpsz;
	po->po_count = (uint32_t)hq->q_count;
	miocack(q, mp, sizeof (*po), 0);
}

static void
perim_ioctl(queue_t *q, mblk_t *mp)
{
	struct iocblk *iocp = (struct iocblk *)mp->b_rptr;

	if (iocp->ioc_count == TRANSPARENT) {
		miocnak(q, mp, 0, EINVAL);
		return;
	}
	if (iocp->ioc_cmd == PERIMSETOPTS) {
		perim_setopts(q, mp);
		return;
	}
	if (iocp->ioc_cmd == PERIMHEADQ) {
		perim_headq(q, mp);
		return;
	}
	if (iocp->ioc_cmd == PERIMTICK) {
		perim_inst_t *pi = q->q_ptr;

		if (pi->pi_tick == 0) {
			/* timeout(9F) runs it outside the perimeters: a race */
			if (PERIM_BUG("plain_timeout"))
				pi->pi_tick = timeout(perim_tick, pi, 1);
			else
				pi->pi_tick = qtimeout(RD(q), perim_tick, pi, 1);
		}
		miocack(q, mp, 0, 0);
		return;
	}
	if (iocp->ioc_cmd != PERIMSTART) {
		miocnak(q, mp, 0, EINVAL);
		return;
	}
#ifdef PERIM_PERMOD
	miocnak(q, mp, 0, EINVAL);
#else
	qwriter(q, mp, (void (*)())perim_start, PERIM_OUTER);
	if (PERIM_BUG("qwriter_sync"))
		perim_stats->ps_calls++;
#endif
}

static int
perim_wput(queue_t *q, mblk_t *mp)
{
	perim_inst_t *pi = q->q_ptr;

	(void) pi;
	switch (DB_TYPE(mp)) {
	case M_DATA:
	case M_PROTO:
	case M_PCPROTO:		/* putmsg's: echoed as they are */
#ifdef PERIM_PERMOD
		if (PERIM_BUG("put_unshared"))
			perim_count_put(q, mp);
		else
			qwriter(q, mp, (void (*)())perim_count_put, PERIM_INNER);
#else
		pi->pi_down++;
		pi->pi_pair++;
		pi->pi_seen = perim_ninst;
		(void) putq(q, mp);
#endif
		break;
	case M_IOCTL:
		perim_ioctl(q, mp);
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
	default:
		freemsg(mp);
		break;
	}
	return (0);
}

/* The echo turns round: to the read queue. */
static int
perim_wsrv(queue_t *q)
{
	mblk_t *mp;

	while ((mp = getq(q)) != NULL) {
#ifdef PERIM_PERMOD
		perim_msgs++;
#endif
		(void) putq(RD(q), mp);
	}
	return (0);
}

static int
perim_rsrv(queue_t *q)
{
	perim_inst_t *pi = q->q_ptr;
	mblk_t *mp;

	(void) pi;
	while ((mp = getq(q)) != NULL) {
		if (DB_TYPE(mp) < QPCTL && !canputnext(q)) {
			(void) putbq(q, mp);
			return (0);
		}
#ifdef PERIM_PERMOD
		perim_msgs++;
#else
		pi->pi_pair++;
#endif
		putnext(q, mp);
	}
	return (0);
}

static struct module_info perim_minfo = {
	.mi_idnum = 0x5045,
	.mi_idname = PERIM_DRV,
	.mi_minpsz = 0,
	.mi_maxpsz = INFPSZ,
	.mi_hiwat = 1024,
	.mi_lowat = 256,
};

static struct qinit perim_rinit = {
	.qi_putp = NULL,
	.qi_srvp = perim_rsrv,
	.qi_qopen = perim_open,
	.qi_qclose = perim_close,
	.qi_minfo = &perim_minfo,
};

static struct qinit perim_winit = {
	.qi_putp = perim_wput,
	.qi_srvp = perim_wsrv,
	.qi_minfo = &perim_minfo,
};

static struct streamtab perim_info = {
	.st_rdinit = &perim_rinit,
	.st_wrinit = &perim_winit,
};

static int
perim_attach(dev_info_t *dip, ddi_attach_cmd_t cmd)
{
	if (cmd != DDI_ATTACH)
		return (DDI_FAILURE);
	if (ddi_create_minor_node(dip, PERIM_NODE "0", S_IFCHR, 0, DDI_PSEUDO, 0) !=
	    DDI_SUCCESS ||
	    ddi_create_minor_node(dip, PERIM_NODE "1", S_IFCHR, 1, DDI_PSEUDO, 0) !=
	    DDI_SUCCESS) {
		ddi_remove_minor_node(dip, NULL);
		return (DDI_FAILURE);
	}
	perim_dip = dip;
	return (DDI_SUCCESS);
}

static int
perim_detach(dev_info_t *dip, ddi_detach_cmd_t cmd)
{
	if (cmd != DDI_DETACH)
		return (DDI_FAILURE);
	ddi_remove_minor_node(dip, NULL);
	perim_dip = NULL;
	return (DDI_SUCCESS);
}

static int
perim_getinfo(dev_info_t *dip, ddi_info_cmd_t cmd, void *arg, void **resultp)
{
	switch (cmd) {
	case DDI_INFO_DEVT2DEVINFO:
		*resultp = perim_dip;
		return (perim_dip != NULL ? DDI_SUCCESS : DDI_FAILURE);
	case DDI_INFO_DEVT2INSTANCE:
		*resultp = (void *)0;
		return (DDI_SUCCESS);
	}
	return (DDI_FAILURE);
}

static struct cb_ops perim_cb_ops = {
	.cb_open = nulldev,
	.cb_close = nulldev,
	.cb_strategy = nodev,
	.cb_print = nodev,
	.cb_dump = nodev,
	.cb_read = nodev,
	.cb_write = nodev,
	.cb_ioctl = nodev,
	.cb_devmap = nodev,
	.cb_mmap = nodev,
	.cb_segmap = nodev,
	.cb_chpoll = nochpoll,
	.cb_prop_op = ddi_prop_op,
	.cb_str = &perim_info,
	.cb_flag = PERIM_FLAGS,
	.cb_rev = CB_REV,
	.cb_aread = nodev,
	.cb_awrite = nodev,
};

static struct dev_ops perim_dev_ops = {
	.devo_rev = DEVO_REV,
	.devo_refcnt = 0,
	.devo_getinfo = perim_getinfo,
	.devo_identify = nulldev,
	.devo_probe = nulldev,
	.devo_attach = perim_attach,
	.devo_detach = perim_detach,
	.devo_reset = nodev,
	.devo_cb_ops = &perim_cb_ops,
	.devo_bus_ops = NULL,
	.devo_power = NULL,
	.devo_quiesce = ddi_quiesce_not_needed,
};

static struct modldrv perim_modldrv = {
	&mod_driverops,
	"kernsim STREAMS perimeter loopback",
	&perim_dev_ops,
};

static struct modlinkage perim_modlinkage = {
	MODREV_1,
	{ &perim_modldrv, NULL },
};

int
_init(void)
{
	/* The declaration variants: the flags a careless author wrote. */
	if (PERIM_BUG("perq"))
		perim_cb_ops.cb_flag = (PERIM_FLAGS & ~D_MTPERMOD) | D_MTPERQ;
	if (PERIM_BUG("no_inner"))
		perim_cb_ops.cb_flag = PERIM_FLAGS & ~D_MTPERMOD;
	if (PERIM_BUG("no_ocexcl"))
		perim_cb_ops.cb_flag = PERIM_FLAGS & ~D_MTOCEXCL;
	if (PERIM_BUG("no_permod"))
		perim_cb_ops.cb_flag = (PERIM_FLAGS & ~D_MTPERMOD) | D_MTQPAIR;
	return (mod_install(&perim_modlinkage));
}

int
_fini(void)
{
	int rc = mod_remove(&perim_modlinkage);

#ifndef PERIM_PERMOD
	if (rc == 0 && perim_stats != NULL) {
		kmem_free(perim_stats, sizeof (*perim_stats));
		perim_stats = NULL;
	}
#endif
	return (rc);
}

int
_info(struct modinfo *modinfop)
{
	return (mod_info(&perim_modlinkage, modinfop));
}

static const char *const perim_variants[] = {
#ifdef PERIM_PERMOD
	"no_permod",
	"data race: D_MTQPAIR declared, not D_MTPERMOD; two streams' service "
	"procedures update the module-wide count at once",
	"put_unshared",
	"data race: the write put procedure counts directly, though "
	"D_MTPUTSHARED lets put procedures run together",
#else
	"perq",
	"data race: D_MTPERQ declared, not D_MTQPAIR; the write put and read "
	"service procedures share pi_pair",
	"no_inner",
	"data race: no inner perimeter declared; two writers' put procedures "
	"update pi_down at once",
	"no_ocexcl",
	"data race: D_MTOCEXCL left out; two streams' opens link the instance "
	"list at once",
	"qwriter_sync",
	"fault: counts after qwriter(PERIM_OUTER) in the record its callback "
	"allocates, assuming the callback ran; deferred, it has not",
	"plain_timeout",
	"data race: PERIMTICK arms timeout(9F), not qtimeout(9F); its callback "
	"updates pi_pair outside the perimeter",
#endif
	NULL, NULL,
};

#ifdef PERIM_PERMOD
KS_ILLUMOS_DRIVER(streams_permod, perim_variants);
#else
KS_ILLUMOS_DRIVER(streams_perim, perim_variants);
#endif
