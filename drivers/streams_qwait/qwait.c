/*
 * streams_qwait: a STREAMS module ("qwmod") whose close asks the driver
 * below a last question and waits for the answer inside its perimeter
 * with qwait(9F), as modules that flush or unbind on close do. Pushed on
 * streams_perim, which echoes M_PROTO (the answer comes back up through
 * the driver's two service procedures) and frees M_CTL (no answer ever).
 * The module is D_MTQPAIR: its read put procedure, which takes the answer,
 * runs only while close has left the perimeter, in qwait. Any put or
 * service exit ends a qwait, and an echo of earlier data may come first,
 * so close loops until the answer is there.
 *
 * QWMODE (qwait_io.h) picks the question: QW_ECHO (answered; qwait) or
 * QW_NOREPLY (never answered; qwait_sig, so a signal ends the close).
 *
 * Bug variants (KS_VARIANT):
 *   no_loop   calls qwait once and takes the answer as there: when the
 *             echo of earlier data woke it first, the answer is NULL.
 *   no_sig    waits for the unanswered question with qwait: the close
 *             cannot be interrupted and never ends.
 *   no_perim  declares D_MP without a perimeter: qwait then keeps
 *             nothing out, and the read put procedure stores the answer
 *             while close looks for it.
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/conf.h>
#include <sys/modctl.h>
#include <sys/kmem.h>
#include <sys/stream.h>
#include <sys/stropts.h>
#include <sys/strsun.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/kernsim.h>

#include "qwait_io.h"

#define QW_BUG(name) KS_VARIANT("streams_qwait", name)

typedef struct qw_state {
	int qs_mode;		/* QW_ECHO or QW_NOREPLY */
	int qs_sent;		/* close's question went down */
	uint32_t qs_cookie;	/* this stream's, in the question */
	mblk_t *qs_answer;	/* the answer, taken by the read put */
} qw_state_t;

static int
qw_open(queue_t *q, dev_t *devp, int flag, int sflag, cred_t *credp)
{
	qw_state_t *qs;

	if (sflag != MODOPEN)
		return (EINVAL);
	if (q->q_ptr != NULL)
		return (0);
	qs = kmem_zalloc(sizeof (*qs), KM_SLEEP);
	qs->qs_cookie = (uint32_t)(uintptr_t)qs;
	q->q_ptr = WR(q)->q_ptr = qs;
	qprocson(q);
	return (0);
}

/* Waits for the answer; 0 when it came, EINTR when a signal ended it. */
static int
qw_wait(queue_t *q, qw_state_t *qs)
{
	if (qs->qs_mode == QW_NOREPLY && !QW_BUG("no_sig")) {
		while (qs->qs_answer == NULL) {
			if (!qwait_sig(q))
				return (EINTR);
		}
		return (0);
	}
	if (QW_BUG("no_loop")) {
		qwait(q);
		return (0);
	}
	while (qs->qs_answer == NULL)
		qwait(q);
	return (0);
}

static int
qw_close(queue_t *q, int flag, cred_t *credp)
{
	qw_state_t *qs = q->q_ptr;
	struct qw_req *rq;
	mblk_t *mp;
	int error = 0;

	if ((mp = allocb(sizeof (*rq), BPRI_HI)) != NULL) {
		DB_TYPE(mp) = qs->qs_mode == QW_NOREPLY ? M_CTL : M_PROTO;
		rq = (struct qw_req *)mp->b_wptr;
		rq->qr_magic = QW_MAGIC;
		rq->qr_cookie = qs->qs_cookie;
		mp->b_wptr += sizeof (*rq);
		qs->qs_sent = 1;
		putnext(WR(q), mp);
		error = qw_wait(q, qs);
		if (error == 0) {
			rq = (struct qw_req *)qs->qs_answer->b_rptr;
			if (rq->qr_cookie != qs->qs_cookie)
				error = EPROTO;
			freemsg(qs->qs_answer);
		}
	}
	qprocsoff(q);
	kmem_free(qs, sizeof (*qs));
	q->q_ptr = WR(q)->q_ptr = NULL;
	return (error);
}

static void
qw_ioctl(queue_t *q, mblk_t *mp)
{
	qw_state_t *qs = q->q_ptr;
	struct iocblk *iocp = (struct iocblk *)mp->b_rptr;
	int32_t mode;

	if (iocp->ioc_count == TRANSPARENT || mp->b_cont == NULL ||
	    MBLKL(mp->b_cont) < (ssize_t)sizeof (mode)) {
		miocnak(q, mp, 0, EINVAL);
		return;
	}
	bcopy(mp->b_cont->b_rptr, &mode, sizeof (mode));
	if (mode != QW_ECHO && mode != QW_NOREPLY) {
		miocnak(q, mp, 0, EINVAL);
		return;
	}
	qs->qs_mode = mode;
	miocack(q, mp, 0, 0);
}

static int
qw_wput(queue_t *q, mblk_t *mp)
{
	if (DB_TYPE(mp) == M_IOCTL &&
	    ((struct iocblk *)mp->b_rptr)->ioc_cmd == QWMODE) {
		qw_ioctl(q, mp);
		return (0);
	}
	putnext(q, mp);
	return (0);
}

/* The answer to close's question stays here; everything else goes up. */
static int
qw_rput(queue_t *q, mblk_t *mp)
{
	qw_state_t *qs = q->q_ptr;
	struct qw_req *rq = (struct qw_req *)mp->b_rptr;

	if (qs->qs_sent && DB_TYPE(mp) == M_PROTO &&
	    MBLKL(mp) >= (ssize_t)sizeof (*rq) && rq->qr_magic == QW_MAGIC) {
		qs->qs_answer = mp;
		return (0);
	}
	putnext(q, mp);
	return (0);
}

static struct module_info qw_minfo = {
	.mi_idnum = 0x5157,
	.mi_idname = "qwmod",
	.mi_minpsz = 0,
	.mi_maxpsz = INFPSZ,
	.mi_hiwat = 1024,
	.mi_lowat = 256,
};

static struct qinit qw_rinit = {
	.qi_putp = qw_rput,
	.qi_srvp = NULL,
	.qi_qopen = qw_open,
	.qi_qclose = qw_close,
	.qi_minfo = &qw_minfo,
};

static struct qinit qw_winit = {
	.qi_putp = qw_wput,
	.qi_srvp = NULL,
	.qi_minfo = &qw_minfo,
};

static struct streamtab qw_info = {
	.st_rdinit = &qw_rinit,
	.st_wrinit = &qw_winit,
};

static struct fmodsw qw_fmodsw = {
	"qwmod",
	&qw_info,
	D_NEW | D_MP | D_MTQPAIR,
};

static struct modlstrmod qw_modlstrmod = {
	&mod_strmodops,
	"kernsim STREAMS close that waits with qwait",
	&qw_fmodsw,
};

static struct modlinkage qw_modlinkage = {
	MODREV_1,
	{ &qw_modlstrmod, NULL },
};

int
_init(void)
{
	if (QW_BUG("no_perim"))
		qw_fmodsw.f_flag = D_NEW | D_MP;
	return (mod_install(&qw_modlinkage));
}

int
_fini(void)
{
	return (mod_remove(&qw_modlinkage));
}

int
_info(struct modinfo *modinfop)
{
	return (mod_info(&qw_modlinkage, modinfop));
}

static const char *const qw_variants[] = {
	"no_loop",
	"fault: close calls qwait once; when an echo of earlier data woke it, "
	"the answer it reads is NULL",
	"no_sig",
	"hang: close waits for an answer that never comes with qwait, not "
	"qwait_sig: no signal ends it",
	"no_perim",
	"data race: D_MP without a perimeter; the read put stores the answer "
	"while close, in qwait's loop, reads it",
	NULL, NULL,
};

KS_ILLUMOS_DRIVER(streams_qwait, qw_variants);
