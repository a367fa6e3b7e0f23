/*
 * streams_lp: an lp-like STREAMS driver. A write(2) is a print job: the
 * write service procedure "prints" it and answers with a status line in a
 * special buffer from a per-stream pool, loaned upstream with esballoc(9F);
 * the read service procedure passes status lines up under flow control.
 * The buffer's free routine gives it back to the pool, so close waits
 * (mutex, condition variable, counter) until every loaned buffer came
 * back, as the STREAMS Programming Guide's multithreaded esballoc example
 * does. ioctls (lp_ioctl.c): I_STR options, a TRANSPARENT status ioctl in
 * both data models, a slow ioctl the printer acks later.
 *
 * Bug variants (KS_VARIANT):
 *   close_no_wait   close frees the state without qprocsoff and without
 *                   waiting for loaned buffers: a buffer the read service
 *                   procedure still carries comes back after, and its free
 *                   routine enters a mutex in freed memory.
 *   iocdata_double_free  LPSTATUS frees the copied-in M_IOCDATA data, then
 *                   mcopyout frees it again (b_cont was left pointing at it).
 *   qreply_locked   LPSETOPTS acks with sp_lock held across qreply; a module
 *                   above that frees a loaned buffer under its own lock (the
 *                   free routine takes sp_lock) makes a lock-order cycle.
 *   off_before_untimeout  close turns its procedures off before cancelling
 *                   the printer's pending acks: one that fires in between
 *                   calls qreply after qprocsoff.
 *   no_unbufcall    close does not cancel the bufcall made when esballoc
 *                   failed: the callback runs on freed state.
 *   flush_leak      an M_FLUSH for the write side only is neither turned
 *                   around nor freed: the block leaks.
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/stat.h>
#include <sys/conf.h>
#include <sys/devops.h>
#include <sys/modctl.h>
#include <sys/kmem.h>
#include <sys/ksynch.h>
#include <sys/stream.h>
#include <sys/stropts.h>
#include <sys/strsun.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/kernsim.h>
#include <stdio.h>

#include "lp_impl.h"

static dev_info_t *lp_dip;

/* The free routine of a loaned buffer: back to the pool. */
static void
lp_buf_free(void *arg)
{
	lp_buf_t *lb = arg;
	lp_state_t *sp = lb->lb_sp;

	mutex_enter(&sp->sp_lock);
	lb->lb_busy = 0;
	sp->sp_loaned--;
	if (sp->sp_loaned == 0)
		cv_broadcast(&sp->sp_cv);
	if (sp->sp_wantbuf && !sp->sp_closing) {
		sp->sp_wantbuf = 0;
		qenable(sp->sp_wq);
	}
	mutex_exit(&sp->sp_lock);
}

/* Memory may be there again: print on (bufcall's or the timer's callback). */
static void
lp_retry(void *arg)
{
	lp_state_t *sp = arg;

	mutex_enter(&sp->sp_lock);
	sp->sp_bufcall = 0;
	sp->sp_buftimer = 0;
	if (!sp->sp_closing)
		qenable(sp->sp_wq);
	mutex_exit(&sp->sp_lock);
}

/* Cancels a pending retry (unbufcall and untimeout wait for a running one). */
static void
lp_cancel_retry(lp_state_t *sp)
{
	bufcall_id_t bid;
	timeout_id_t tid;

	mutex_enter(&sp->sp_lock);
	bid = sp->sp_bufcall;
	tid = sp->sp_buftimer;
	mutex_exit(&sp->sp_lock);
	if (bid != 0)
		unbufcall(bid);
	if (tid != 0)
		(void) untimeout(tid);
}

static int
lp_open(queue_t *q, dev_t *devp, int flag, int sflag, cred_t *credp)
{
	lp_state_t *sp;
	int i;

	if (sflag != 0)
		return (EINVAL);	/* a driver, not a module or clone */
	if (q->q_ptr != NULL)
		return (0);		/* a reopen of the stream */
	sp = kmem_zalloc(sizeof (*sp), KM_SLEEP);
	mutex_init(&sp->sp_lock, NULL, MUTEX_DRIVER, NULL);
	cv_init(&sp->sp_cv, NULL, CV_DRIVER, NULL);
	sp->sp_rq = q;
	sp->sp_wq = WR(q);
	sp->sp_opts.lo_width = 80;
	for (i = 0; i < LP_NBUF; i++) {
		sp->sp_pool[i].lb_sp = sp;
		sp->sp_pool[i].lb_frtn.free_func = lp_buf_free;
		sp->sp_pool[i].lb_frtn.free_arg = (caddr_t)&sp->sp_pool[i];
	}
	for (i = 0; i < LP_NSLOW; i++)
		sp->sp_slow[i].ls_sp = sp;
	q->q_ptr = WR(q)->q_ptr = sp;
	qprocson(q);
	return (0);
}

/*
 * Cancels the printer's pending acks and frees their messages. Every id
 * is untimeout'ed, fired or not: untimeout waits for a callback still
 * running, so none touches the state after close.
 */
static void
lp_cancel_slow(lp_state_t *sp)
{
	int i;

	for (i = 0; i < LP_NSLOW; i++) {
		timeout_id_t id;

		mblk_t *mp;

		mutex_enter(&sp->sp_lock);
		id = sp->sp_slow[i].ls_id;
		sp->sp_slow[i].ls_id = 0;
		mutex_exit(&sp->sp_lock);
		if (id != 0)
			(void) untimeout(id);
		mutex_enter(&sp->sp_lock);
		mp = sp->sp_slow[i].ls_mp;
		sp->sp_slow[i].ls_mp = NULL;
		mutex_exit(&sp->sp_lock);
		freemsg(mp);
	}
}

static int
lp_close(queue_t *q, int flag, cred_t *credp)
{
	lp_state_t *sp = q->q_ptr;

	mutex_enter(&sp->sp_lock);
	sp->sp_closing = 1;
	mutex_exit(&sp->sp_lock);
	if (!KS_VARIANT("streams_lp", "no_unbufcall"))
		lp_cancel_retry(sp);

	if (KS_VARIANT("streams_lp", "close_no_wait")) {
		flushq(RD(q), FLUSHALL);
		flushq(WR(q), FLUSHALL);
		lp_cancel_slow(sp);
		cv_destroy(&sp->sp_cv);
		mutex_destroy(&sp->sp_lock);
		kmem_free(sp, sizeof (*sp));
		q->q_ptr = WR(q)->q_ptr = NULL;
		return (0);
	}
	if (KS_VARIANT("streams_lp", "off_before_untimeout")) {
		qprocsoff(q);
		lp_cancel_slow(sp);
	} else {
		lp_cancel_slow(sp);
		qprocsoff(q);
	}
	flushq(RD(q), FLUSHALL);
	flushq(WR(q), FLUSHALL);

	/* Decommission the pool: wait for every loaned buffer. */
	mutex_enter(&sp->sp_lock);
	while (sp->sp_loaned > 0)
		cv_wait(&sp->sp_cv, &sp->sp_lock);
	mutex_exit(&sp->sp_lock);

	cv_destroy(&sp->sp_cv);
	mutex_destroy(&sp->sp_lock);
	kmem_free(sp, sizeof (*sp));
	q->q_ptr = WR(q)->q_ptr = NULL;
	return (0);
}

static int
lp_wput(queue_t *q, mblk_t *mp)
{
	switch (DB_TYPE(mp)) {
	case M_DATA:
		(void) putq(q, mp);
		break;
	case M_IOCTL:
		lp_ioctl(q, mp);
		break;
	case M_IOCDATA:
		lp_iocdata(q, mp);
		break;
	case M_FLUSH:
		if (*mp->b_rptr & FLUSHW)
			flushq(q, FLUSHDATA);
		if (*mp->b_rptr & FLUSHR) {
			flushq(RD(q), FLUSHDATA);
			*mp->b_rptr &= ~FLUSHW;
			qreply(q, mp);
		} else if (!KS_VARIANT("streams_lp", "flush_leak")) {
			freemsg(mp);
		}
		break;
	default:
		freemsg(mp);
		break;
	}
	return (0);
}

/* Prints queued jobs; each answer is a status line in a loaned buffer. */
static int
lp_wsrv(queue_t *q)
{
	lp_state_t *sp = q->q_ptr;
	mblk_t *mp, *smp;
	lp_buf_t *lb;
	int i, n;

	while ((mp = getq(q)) != NULL) {
		lb = NULL;
		mutex_enter(&sp->sp_lock);
		for (i = 0; i < LP_NBUF; i++) {
			if (!sp->sp_pool[i].lb_busy) {
				lb = &sp->sp_pool[i];
				break;
			}
		}
		if (lb == NULL) {
			/* Every buffer is out: wait for one to come back. */
			sp->sp_wantbuf = 1;
			mutex_exit(&sp->sp_lock);
			(void) putbq(q, mp);
			return (0);
		}
		lb->lb_busy = 1;
		sp->sp_loaned++;
		sp->sp_jobs++;
		n = snprintf((char *)lb->lb_data, LP_BUFSZ, "lp: job %ld, %d bytes\n",
		    sp->sp_jobs, (int)msgdsize(mp));
		mutex_exit(&sp->sp_lock);

		smp = esballoc(lb->lb_data, LP_BUFSZ, BPRI_MED, &lb->lb_frtn);
		if (smp == NULL) {
			/*
			 * No message block: the buffer goes back to the pool,
			 * the job back on the queue, and bufcall tells us when
			 * to try again (a timer if even bufcall fails).
			 */
			mutex_enter(&sp->sp_lock);
			lb->lb_busy = 0;
			sp->sp_loaned--;
			sp->sp_jobs--;
			if (sp->sp_bufcall == 0 && sp->sp_buftimer == 0 && !sp->sp_closing) {
				sp->sp_bufcall = bufcall(LP_BUFSZ, BPRI_MED, lp_retry, sp);
				if (sp->sp_bufcall == 0)
					sp->sp_buftimer = timeout(lp_retry, sp, 1);
			}
			mutex_exit(&sp->sp_lock);
			(void) putbq(q, mp);
			return (0);
		}
		freemsg(mp);
		smp->b_wptr += n;
		(void) putq(RD(q), smp);
	}
	return (0);
}

static int
lp_rsrv(queue_t *q)
{
	mblk_t *mp;

	while ((mp = getq(q)) != NULL) {
		if (!canputnext(q)) {
			(void) putbq(q, mp);
			return (0);
		}
		putnext(q, mp);
	}
	return (0);
}

static struct module_info lp_minfo = {
	.mi_idnum = 0x4c50,
	.mi_idname = "streams_lp",
	.mi_minpsz = 0,
	.mi_maxpsz = INFPSZ,
	.mi_hiwat = 512,
	.mi_lowat = 128,
};

static struct qinit lp_rinit = {
	.qi_putp = NULL,
	.qi_srvp = lp_rsrv,
	.qi_qopen = lp_open,
	.qi_qclose = lp_close,
	.qi_minfo = &lp_minfo,
};

static struct qinit lp_winit = {
	.qi_putp = lp_wput,
	.qi_srvp = lp_wsrv,
	.qi_minfo = &lp_minfo,
};

static struct streamtab lp_info = {
	.st_rdinit = &lp_rinit,
	.st_wrinit = &lp_winit,
};

static int
lp_attach(dev_info_t *dip, ddi_attach_cmd_t cmd)
{
	if (cmd != DDI_ATTACH)
		return (DDI_FAILURE);
	if (ddi_create_minor_node(dip, "lp", S_IFCHR, 0, DDI_PSEUDO, 0) != DDI_SUCCESS)
		return (DDI_FAILURE);
	lp_dip = dip;
	return (DDI_SUCCESS);
}

static int
lp_detach(dev_info_t *dip, ddi_detach_cmd_t cmd)
{
	if (cmd != DDI_DETACH)
		return (DDI_FAILURE);
	ddi_remove_minor_node(dip, NULL);
	lp_dip = NULL;
	return (DDI_SUCCESS);
}

static int
lp_getinfo(dev_info_t *dip, ddi_info_cmd_t cmd, void *arg, void **resultp)
{
	switch (cmd) {
	case DDI_INFO_DEVT2DEVINFO:
		*resultp = lp_dip;
		return (lp_dip != NULL ? DDI_SUCCESS : DDI_FAILURE);
	case DDI_INFO_DEVT2INSTANCE:
		*resultp = (void *)0;
		return (DDI_SUCCESS);
	}
	return (DDI_FAILURE);
}

static struct cb_ops lp_cb_ops = {
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
	.cb_str = &lp_info,
	.cb_flag = D_NEW | D_MP,
	.cb_rev = CB_REV,
	.cb_aread = nodev,
	.cb_awrite = nodev,
};

static struct dev_ops lp_dev_ops = {
	.devo_rev = DEVO_REV,
	.devo_refcnt = 0,
	.devo_getinfo = lp_getinfo,
	.devo_identify = nulldev,
	.devo_probe = nulldev,
	.devo_attach = lp_attach,
	.devo_detach = lp_detach,
	.devo_reset = nodev,
	.devo_cb_ops = &lp_cb_ops,
	.devo_bus_ops = NULL,
	.devo_power = NULL,
	.devo_quiesce = ddi_quiesce_not_needed,
};

static struct modldrv lp_modldrv = {
	&mod_driverops,
	"kernsim STREAMS lp driver",
	&lp_dev_ops,
};

static struct modlinkage lp_modlinkage = {
	MODREV_1,
	{ &lp_modldrv, NULL },
};

int
_init(void)
{
	return (mod_install(&lp_modlinkage));
}

int
_fini(void)
{
	return (mod_remove(&lp_modlinkage));
}

int
_info(struct modinfo *modinfop)
{
	return (mod_info(&lp_modlinkage, modinfop));
}

static const char *const lp_variants[] = {
	"close_no_wait",
	"memory: close frees the state without qprocsoff or waiting for loaned "
	"buffers; a buffer still carried upstream comes back to freed state",
	"iocdata_double_free",
	"memory: LPSTATUS frees the M_IOCDATA data, then mcopyout frees it again",
	"qreply_locked",
	"lock order: LPSETOPTS acks holding sp_lock across qreply, while the "
	"free routine takes sp_lock under a module's lock",
	"off_before_untimeout",
	"misuse: close calls qprocsoff before cancelling the printer's acks; "
	"one firing in between replies after qprocsoff",
	"no_unbufcall",
	"memory: close leaves the bufcall made when esballoc failed pending; "
	"its callback runs on freed state",
	"flush_leak",
	"memory: an M_FLUSH for the write side only is neither turned around nor "
	"freed: the block leaks",
	NULL, NULL,
};

KS_ILLUMOS_DRIVER(streams_lp, lp_variants);
