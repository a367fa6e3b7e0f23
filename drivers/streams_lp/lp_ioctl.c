/*
 * streams_lp's ioctls, as M_IOCTL and M_IOCDATA messages on the write
 * side: I_STR LPSETOPTS/LPGETOPTS/LPSLOW, TRANSPARENT LPSTATUS through
 * M_COPYIN and M_COPYOUT, and a NAK for anything else.
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/ksynch.h>
#include <sys/stream.h>
#include <sys/stropts.h>
#include <sys/strsun.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/kernsim.h>
#include <string.h>

#include "lp_impl.h"

/* LPSTATUS's steps, in cq_private / cp_private. */
#define LP_STEP_IN ((void *)1)
#define LP_STEP_OUT ((void *)2)

static size_t
lp_status_size(unsigned int flag)
{
	return ((flag & IOC_MODELS) == IOC_ILP32 ?
	    sizeof (struct lp_status32) : sizeof (struct lp_status));
}

/* The printer acks an LPSLOW: ioc_rval is the number it was sent. */
static void
lp_slow_done(void *arg)
{
	lp_slow_t *ls = arg;
	lp_state_t *sp = ls->ls_sp;
	mblk_t *mp;
	uint32_t seq;

	mutex_enter(&sp->sp_lock);
	mp = ls->ls_mp;
	ls->ls_mp = NULL;
	mutex_exit(&sp->sp_lock);
	if (mp != NULL) {
		memcpy(&seq, mp->b_cont->b_rptr, sizeof (seq));
		miocack(sp->sp_wq, mp, 0, (int)seq);
	}
	/* Done: the slot may take another request (close no longer waits). */
	mutex_enter(&sp->sp_lock);
	ls->ls_id = 0;
	mutex_exit(&sp->sp_lock);
}

static void
lp_slow(queue_t *q, mblk_t *mp)
{
	lp_state_t *sp = q->q_ptr;
	int err, i;

	if ((err = miocpullup(mp, sizeof (uint32_t))) != 0) {
		miocnak(q, mp, 0, err);
		return;
	}
	mutex_enter(&sp->sp_lock);
	for (i = 0; i < LP_NSLOW; i++) {
		if (sp->sp_slow[i].ls_mp == NULL && sp->sp_slow[i].ls_id == 0)
			break;
	}
	if (i == LP_NSLOW || sp->sp_closing) {
		mutex_exit(&sp->sp_lock);
		miocnak(q, mp, 0, EBUSY);
		return;
	}
	sp->sp_slow[i].ls_mp = mp;
	/* Number 0: the printer never answers (held until close). */
	if (*(uint32_t *)mp->b_cont->b_rptr != 0)
		sp->sp_slow[i].ls_id = timeout(lp_slow_done, &sp->sp_slow[i],
		    LP_SLOW_TICKS);
	mutex_exit(&sp->sp_lock);
}

static void
lp_getopts(queue_t *q, mblk_t *mp)
{
	lp_state_t *sp = q->q_ptr;
	struct iocblk *iocp = (struct iocblk *)mp->b_rptr;
	mblk_t *dp = mp->b_cont;

	if (iocp->ioc_count == TRANSPARENT) {
		miocnak(q, mp, 0, EINVAL);
		return;
	}
	/* The answer replaces whatever data came down. */
	if (dp == NULL || (size_t)MBLKSIZE(dp) < sizeof (struct lp_options)) {
		if ((dp = allocb(sizeof (struct lp_options), BPRI_MED)) == NULL) {
			miocnak(q, mp, 0, ENOSR);
			return;
		}
		freemsg(mp->b_cont);
		mp->b_cont = dp;
	} else if (dp->b_cont != NULL) {
		freemsg(dp->b_cont);
		dp->b_cont = NULL;
	}
	dp->b_rptr = DB_BASE(dp);
	mutex_enter(&sp->sp_lock);
	memcpy(dp->b_rptr, &sp->sp_opts, sizeof (struct lp_options));
	mutex_exit(&sp->sp_lock);
	dp->b_wptr = dp->b_rptr + sizeof (struct lp_options);
	miocack(q, mp, sizeof (struct lp_options), 0);
}

static void
lp_setopts(queue_t *q, mblk_t *mp)
{
	lp_state_t *sp = q->q_ptr;
	struct lp_options lo;
	int err;

	if ((err = miocpullup(mp, sizeof (struct lp_options))) != 0) {
		miocnak(q, mp, 0, err);
		return;
	}
	memcpy(&lo, mp->b_cont->b_rptr, sizeof (lo));
	if (lo.lo_width < 1 || lo.lo_width > LP_MAXWIDTH) {
		miocnak(q, mp, 0, EINVAL);
		return;
	}
	mutex_enter(&sp->sp_lock);
	sp->sp_opts = lo;
	if (KS_VARIANT("streams_lp", "qreply_locked")) {
		/* The ack goes up with sp_lock held. */
		miocack(q, mp, 0, 0);
		mutex_exit(&sp->sp_lock);
		return;
	}
	mutex_exit(&sp->sp_lock);
	miocack(q, mp, 0, 0);
}

void
lp_ioctl(queue_t *q, mblk_t *mp)
{
	lp_state_t *sp = q->q_ptr;
	struct iocblk *iocp = (struct iocblk *)mp->b_rptr;

	switch (iocp->ioc_cmd) {
	case LPSETOPTS:
		lp_setopts(q, mp);
		return;
	case LPGETOPTS:
		lp_getopts(q, mp);
		return;
	case LPSLOW:
		lp_slow(q, mp);
		return;
	case LPSTATUS:
		if (iocp->ioc_count != TRANSPARENT || mp->b_cont == NULL) {
			miocnak(q, mp, 0, EINVAL);
			return;
		}
		/* The argument is the user's address: kept for the copy out. */
		memcpy(&sp->sp_status_addr, mp->b_cont->b_rptr, sizeof (caddr_t));
		mcopyin(mp, LP_STEP_IN, lp_status_size(iocp->ioc_flag), NULL);
		qreply(q, mp);
		return;
	default:
		/* Not ours: a NAK with no error (the stream head says EINVAL). */
		DB_TYPE(mp) = M_IOCNAK;
		iocp->ioc_error = 0;
		iocp->ioc_count = 0;
		qreply(q, mp);
		return;
	}
}

void
lp_iocdata(queue_t *q, mblk_t *mp)
{
	lp_state_t *sp = q->q_ptr;
	struct copyresp *csp = (struct copyresp *)mp->b_rptr;
	size_t size;
	mblk_t *dp;

	if (csp->cp_cmd != LPSTATUS) {
		miocnak(q, mp, 0, EINVAL);
		return;
	}
	if (csp->cp_rval != NULL) {
		/* The copy failed; the stream head has already answered. */
		freemsg(mp);
		return;
	}
	size = lp_status_size(csp->cp_flag);
	if (csp->cp_private == LP_STEP_OUT) {
		miocack(q, mp, 0, 0);
		return;
	}
	if (mp->b_cont == NULL || (size_t)MBLKL(mp->b_cont) < size) {
		miocnak(q, mp, 0, EINVAL);
		return;
	}
	if ((dp = allocb(size, BPRI_MED)) == NULL) {
		miocnak(q, mp, 0, ENOSR);
		return;
	}
	if ((csp->cp_flag & IOC_MODELS) == IOC_ILP32) {
		struct lp_status32 st;

		memcpy(&st, mp->b_cont->b_rptr, sizeof (st));
		mutex_enter(&sp->sp_lock);
		st.ls_jobs = (int32_t)sp->sp_jobs;
		mutex_exit(&sp->sp_lock);
		memcpy(dp->b_wptr, &st, sizeof (st));
	} else {
		struct lp_status st;

		memcpy(&st, mp->b_cont->b_rptr, sizeof (st));
		mutex_enter(&sp->sp_lock);
		st.ls_jobs = sp->sp_jobs;
		mutex_exit(&sp->sp_lock);
		memcpy(dp->b_wptr, &st, sizeof (st));
	}
	dp->b_wptr += size;
	if (KS_VARIANT("streams_lp", "iocdata_double_free"))
		freemsg(mp->b_cont);	/* ... and mcopyout frees it again */
	mcopyout(mp, LP_STEP_OUT, size, sp->sp_status_addr, dp);
	qreply(q, mp);
}
