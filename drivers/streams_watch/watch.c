/*
 * streams_watch: a STREAMS module that watches ioctls. It notes each
 * M_IOCTL going down (command, ioc_id, the first word of its data) and
 * matches the M_IOCACK/M_IOCNAK coming up by ioc_id, recording the last
 * match for WATCHLAST; it keeps a duplicate of the last data message
 * going up (dupmsg: a loaned buffer below is returned only when both are
 * freed). Everything else passes on unchanged.
 *
 * Bug variants (KS_VARIANT):
 *   no_cont_check  reads the first word of an I_STR's data without
 *                  checking b_cont: an I_STR with no data is a NULL
 *                  dereference.
 *   ack_by_cmd     matches acks by ioc_cmd only: the late ack of an ioctl
 *                  that timed out is taken for the next one with the same
 *                  command, whose own ack is then counted stale.
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/conf.h>
#include <sys/modctl.h>
#include <sys/kmem.h>
#include <sys/ksynch.h>
#include <sys/stream.h>
#include <sys/stropts.h>
#include <sys/strsun.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/kernsim.h>
#include <string.h>

#include "watch_io.h"

typedef struct watch_state {
	kmutex_t wt_lock;
	int wt_pending;		/* an ioctl went down, no ack matched yet */
	int wt_cmd;
	uint32_t wt_id;
	uint32_t wt_first;	/* first word of its data, 0 if none */
	struct watch_last wt_last;
	mblk_t *wt_lastdata;	/* a duplicate of the last data going up */
} watch_state_t;

static int
watch_open(queue_t *q, dev_t *devp, int flag, int sflag, cred_t *credp)
{
	watch_state_t *wt;

	if (sflag != MODOPEN)
		return (EINVAL);
	if (q->q_ptr != NULL)
		return (0);
	wt = kmem_zalloc(sizeof (*wt), KM_SLEEP);
	mutex_init(&wt->wt_lock, NULL, MUTEX_DRIVER, NULL);
	q->q_ptr = WR(q)->q_ptr = wt;
	qprocson(q);
	return (0);
}

static int
watch_close(queue_t *q, int flag, cred_t *credp)
{
	watch_state_t *wt = q->q_ptr;

	qprocsoff(q);
	freemsg(wt->wt_lastdata);
	mutex_destroy(&wt->wt_lock);
	kmem_free(wt, sizeof (*wt));
	q->q_ptr = WR(q)->q_ptr = NULL;
	return (0);
}

/* WATCHLAST: answered here, never passed down. */
static void
watch_last(queue_t *q, mblk_t *mp)
{
	watch_state_t *wt = q->q_ptr;
	struct iocblk *iocp = (struct iocblk *)mp->b_rptr;
	mblk_t *dp;

	if (iocp->ioc_count == TRANSPARENT) {
		miocnak(q, mp, 0, EINVAL);
		return;
	}
	if ((dp = allocb(sizeof (struct watch_last), BPRI_MED)) == NULL) {
		miocnak(q, mp, 0, ENOSR);
		return;
	}
	mutex_enter(&wt->wt_lock);
	memcpy(dp->b_wptr, &wt->wt_last, sizeof (struct watch_last));
	mutex_exit(&wt->wt_lock);
	dp->b_wptr += sizeof (struct watch_last);
	freemsg(mp->b_cont);
	mp->b_cont = dp;
	miocack(q, mp, sizeof (struct watch_last), 0);
}

static int
watch_wput(queue_t *q, mblk_t *mp)
{
	watch_state_t *wt = q->q_ptr;
	struct iocblk *iocp;
	uint32_t first = 0;

	if (DB_TYPE(mp) != M_IOCTL) {
		putnext(q, mp);
		return (0);
	}
	iocp = (struct iocblk *)mp->b_rptr;
	if (iocp->ioc_cmd == WATCHLAST) {
		watch_last(q, mp);
		return (0);
	}
	if (KS_VARIANT("streams_watch", "no_cont_check")) {
		if (iocp->ioc_count != TRANSPARENT)
			memcpy(&first, mp->b_cont->b_rptr, sizeof (first));
	} else if (iocp->ioc_count != TRANSPARENT && mp->b_cont != NULL &&
	    MBLKL(mp->b_cont) >= (ssize_t)sizeof (first)) {
		memcpy(&first, mp->b_cont->b_rptr, sizeof (first));
	}
	mutex_enter(&wt->wt_lock);
	wt->wt_pending = 1;
	wt->wt_cmd = iocp->ioc_cmd;
	wt->wt_id = iocp->ioc_id;
	wt->wt_first = first;
	mutex_exit(&wt->wt_lock);
	putnext(q, mp);
	return (0);
}

static int
watch_rput(queue_t *q, mblk_t *mp)
{
	watch_state_t *wt = q->q_ptr;
	struct iocblk *iocp;
	mblk_t *dup, *old;
	int match;

	switch (DB_TYPE(mp)) {
	case M_IOCACK:
	case M_IOCNAK:
		iocp = (struct iocblk *)mp->b_rptr;
		mutex_enter(&wt->wt_lock);
		if (KS_VARIANT("streams_watch", "ack_by_cmd"))
			match = wt->wt_pending && wt->wt_cmd == iocp->ioc_cmd;
		else
			match = wt->wt_pending && wt->wt_id == iocp->ioc_id;
		if (match) {
			wt->wt_pending = 0;
			wt->wt_last.wl_cmd = iocp->ioc_cmd;
			wt->wt_last.wl_id = iocp->ioc_id;
			wt->wt_last.wl_rval = iocp->ioc_rval;
			wt->wt_last.wl_error = iocp->ioc_error;
			wt->wt_last.wl_acks++;
		} else {
			wt->wt_last.wl_stale++;
		}
		mutex_exit(&wt->wt_lock);
		putnext(q, mp);
		return (0);
	case M_DATA:
		dup = dupmsg(mp);
		mutex_enter(&wt->wt_lock);
		old = wt->wt_lastdata;
		wt->wt_lastdata = dup;
		/*
		 * Freed under wt_lock: if it was the last reference to a
		 * loaned buffer, the owner's free routine runs here.
		 */
		freemsg(old);
		mutex_exit(&wt->wt_lock);
		putnext(q, mp);
		return (0);
	default:
		putnext(q, mp);
		return (0);
	}
}

static struct module_info watch_minfo = {
	.mi_idnum = 0x5754,
	.mi_idname = "watch",
	.mi_minpsz = 0,
	.mi_maxpsz = INFPSZ,
	.mi_hiwat = 1024,
	.mi_lowat = 256,
};

static struct qinit watch_rinit = {
	.qi_putp = watch_rput,
	.qi_srvp = NULL,
	.qi_qopen = watch_open,
	.qi_qclose = watch_close,
	.qi_minfo = &watch_minfo,
};

static struct qinit watch_winit = {
	.qi_putp = watch_wput,
	.qi_srvp = NULL,
	.qi_minfo = &watch_minfo,
};

static struct streamtab watch_info = {
	.st_rdinit = &watch_rinit,
	.st_wrinit = &watch_winit,
};

static struct fmodsw watch_fmodsw = {
	"watch",
	&watch_info,
	D_NEW | D_MP,
};

static struct modlstrmod watch_modlstrmod = {
	&mod_strmodops,
	"kernsim STREAMS ioctl watcher",
	&watch_fmodsw,
};

static struct modlinkage watch_modlinkage = {
	MODREV_1,
	{ &watch_modlstrmod, NULL },
};

int
_init(void)
{
	return (mod_install(&watch_modlinkage));
}

int
_fini(void)
{
	return (mod_remove(&watch_modlinkage));
}

int
_info(struct modinfo *modinfop)
{
	return (mod_info(&watch_modlinkage, modinfop));
}

static const char *const watch_variants[] = {
	"no_cont_check",
	"fault: an I_STR with no data makes the module read through a NULL b_cont",
	"ack_by_cmd",
	"scenario: acks matched by command only; a late ack of a timed-out "
	"ioctl is taken for the next one",
	NULL, NULL,
};

KS_ILLUMOS_DRIVER(streams_watch, watch_variants);
