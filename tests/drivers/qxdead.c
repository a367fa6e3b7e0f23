/*
 * qxdead: a job server as a QNX Neutrino resource manager on /dev/qxdead,
 * written from QNX's guides (Writing a Resource Manager; Getting Started,
 * "Resource Managers"; the library reference), not from kernsim's drivers.
 * Its point is a client that dies in the middle of a request.
 *
 * A JOB devctl is queued for the server's own worker thread and the client
 * stays REPLY-blocked (_RESMGR_NOREPLY). The worker runs a job for its `ms`
 * (a pthread_cond_timedwait on a CLOCK_MONOTONIC condvar, which ABORT cuts
 * short), credits the job's OCB (each open's running total, kept in the
 * extended OCB) and replies with MsgReply, which fails (ESRCH) when the
 * client died meanwhile: counted, not fatal. SYNC is answered by the pool
 * thread itself after 2 ms (a handler still running when its client dies).
 *
 * A close, the client's own or the one the library makes when the client
 * dies (io_close_dup: "called whenever close() is called on a file
 * descriptor or a client otherwise disconnects"), answers the OCB's queued
 * jobs with EBADF, as the guide's "Unblocking if someone closes a file
 * descriptor" asks. io_close_ocb answers any queued since (a JOB handler
 * may have been running beside the unlocked close_dup: the fuzzer found
 * that) and waits until the worker is done with the OCB before the
 * library frees it.
 *
 * Devctls (class _DCMD_MISC):
 *   JOB    __DIOTF  struct qd_job in: value, ms; out: the OCB's total;
 *                   ret_val 1 when ABORT cut it short
 *   STATS  __DIOF   struct qd_stats
 *   ABORT  __DION   end the job the worker is running now
 *   SYNC   __DIOF   the OCB's total, after 2 ms in the handler
 *
 * Bug twins (-D): QD_BUG_CLOSE_NO_WAIT: io_close_ocb does not wait for the
 * worker, which then credits an OCB the library freed (a write after
 * free). QD_BUG_REPLY_ASSERT: the worker asserts that its MsgReply
 * succeeded, so a client that dies mid-job brings the server down.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <pthread.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/neutrino.h>
#include <devctl.h>

struct qd_ocb;
#define IOFUNC_OCB_T struct qd_ocb
#include <sys/iofunc.h>
#include <sys/dispatch.h>
#include <sys/kernsim.h>

#define QD_PATH "/dev/qxdead"

struct qd_job {
	uint32_t value;
	uint32_t ms;		/* how long the device works on it */
	uint64_t result;	/* out: the OCB's total after this job */
};

struct qd_stats {
	uint32_t opens;
	uint32_t queued;	/* jobs waiting for the worker */
	uint32_t started;
	uint32_t done;
	uint32_t cancelled;	/* answered EBADF by a close */
	uint32_t dead_replies;	/* the worker's reply found no client */
	uint32_t aborted;
	uint32_t close_dups;
};

#define DCMD_QXDEAD_JOB		__DIOTF(_DCMD_MISC, 0x50, struct qd_job)
#define DCMD_QXDEAD_STATS	__DIOF(_DCMD_MISC, 0x51, struct qd_stats)
#define DCMD_QXDEAD_ABORT	__DION(_DCMD_MISC, 0x52)
#define DCMD_QXDEAD_SYNC	__DIOF(_DCMD_MISC, 0x53, uint64_t)

struct qd_ocb {
	iofunc_ocb_t hdr;	/* first: the library sees an iofunc_ocb_t */
	uint64_t total;		/* this open's jobs' values */
	uint32_t done;
	uint32_t inwork;	/* its job the worker is running */
};

struct qd_req {
	struct qd_req *next;
	int rcvid;
	struct qd_ocb *ocb;
	uint32_t value, ms;
};

static struct {
	iofunc_attr_t attr;
	iofunc_mount_t mount;
	iofunc_funcs_t ocb_funcs;
	resmgr_connect_funcs_t connect_funcs;
	resmgr_io_funcs_t io_funcs;
	dispatch_t *dpp;
	thread_pool_t *tpp;
	int id;

	pthread_mutex_t mtx;
	pthread_cond_t cv;	/* the worker: a job arrived, or stop */
	pthread_cond_t work_cv;	/* the job's time: ABORT or stop ends it early */
	pthread_cond_t idle_cv;	/* an OCB's job left the worker */
	pthread_t worker;
	int stopping, abort;

	struct qd_req *reqs, **rtail;
	struct qd_stats st;
} qd;

/* ---- OCBs ---- */

static IOFUNC_OCB_T *
qd_ocb_calloc(resmgr_context_t *ctp, IOFUNC_ATTR_T *attr)
{
	struct qd_ocb *ocb = calloc(1, sizeof(*ocb));

	(void)ctp;
	(void)attr;
	if (ocb == NULL)
		return NULL;
	pthread_mutex_lock(&qd.mtx);
	qd.st.opens++;
	pthread_mutex_unlock(&qd.mtx);
	return ocb;
}

static void
qd_ocb_free(IOFUNC_OCB_T *ocb)
{
	pthread_mutex_lock(&qd.mtx);
	qd.st.opens--;
	pthread_mutex_unlock(&qd.mtx);
	free(ocb);
}

/* ---- the worker ---- */

static void
reply_job(struct qd_req *r, uint64_t total, int aborted)
{
	struct {
		struct _io_devctl_reply o;
		struct qd_job job;
	} rep;
	int rc;

	memset(&rep, 0, sizeof(rep));
	rep.o.ret_val = aborted;
	rep.o.nbytes = sizeof(rep.job);
	rep.job.value = r->value;
	rep.job.ms = r->ms;
	rep.job.result = total;
	rc = MsgReply(r->rcvid, EOK, &rep, sizeof(rep));
#ifdef QD_BUG_REPLY_ASSERT
	assert(rc == 0);
#endif
	if (rc == -1) {
		/* the client is gone (killed while REPLY-blocked): ESRCH */
		pthread_mutex_lock(&qd.mtx);
		qd.st.dead_replies++;
		pthread_mutex_unlock(&qd.mtx);
	}
}

static void *
qd_worker(void *arg)
{
	struct timespec until;
	struct qd_req *r;
	struct qd_ocb *ocb;
	uint64_t total;
	int aborted;

	(void)arg;
	pthread_mutex_lock(&qd.mtx);
	for (;;) {
		while (!qd.stopping && qd.reqs == NULL)
			pthread_cond_wait(&qd.cv, &qd.mtx);
		if (qd.stopping)
			break;
		r = qd.reqs;
		qd.reqs = r->next;
		if (qd.reqs == NULL)
			qd.rtail = &qd.reqs;
		qd.st.queued--;
		qd.st.started++;
		ocb = r->ocb;
		ocb->inwork++;
		qd.abort = 0;

		/* the device's time, on the monotonic clock */
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += r->ms / 1000;
		until.tv_nsec += (long)(r->ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (!qd.abort && !qd.stopping)
			if (pthread_cond_timedwait(&qd.work_cv, &qd.mtx, &until) == ETIMEDOUT)
				break;
		aborted = qd.abort;
		if (aborted)
			qd.st.aborted++;
		qd.abort = 0;

		ocb->total += r->value;
		ocb->done++;
		total = ocb->total;
		ocb->inwork--;
		qd.st.done++;
		pthread_cond_broadcast(&qd.idle_cv);
		pthread_mutex_unlock(&qd.mtx);
		reply_job(r, total, aborted);
		free(r);
		pthread_mutex_lock(&qd.mtx);
	}
	pthread_mutex_unlock(&qd.mtx);
	return NULL;
}

/* ---- I/O handlers ---- */

static int
qd_devctl(resmgr_context_t *ctp, io_devctl_t *msg, RESMGR_OCB_T *ocb)
{
	void *data = _DEVCTL_DATA(msg->i);
	size_t nbytes = 0;
	int status;

	if ((status = iofunc_devctl_default(ctp, msg, ocb)) != _RESMGR_DEFAULT)
		return status;

	switch (msg->i.dcmd) {
	case DCMD_QXDEAD_JOB: {
		struct qd_job job;
		struct qd_req *r;

		if (msg->i.nbytes < sizeof(job))
			return EINVAL;
		memcpy(&job, data, sizeof(job));
		if (job.ms > 1000)
			return EINVAL;
		if ((r = malloc(sizeof(*r))) == NULL)
			return ENOMEM;
		r->next = NULL;
		r->rcvid = ctp->rcvid;
		r->ocb = ocb;
		r->value = job.value;
		r->ms = job.ms;
		pthread_mutex_lock(&qd.mtx);
		*qd.rtail = r;
		qd.rtail = &r->next;
		qd.st.queued++;
		pthread_cond_signal(&qd.cv);
		pthread_mutex_unlock(&qd.mtx);
		return _RESMGR_NOREPLY;	/* the worker replies */
	}
	case DCMD_QXDEAD_STATS:
		if (msg->i.nbytes < sizeof(qd.st))
			return EINVAL;
		pthread_mutex_lock(&qd.mtx);
		memcpy(data, &qd.st, sizeof(qd.st));
		pthread_mutex_unlock(&qd.mtx);
		nbytes = sizeof(qd.st);
		break;
	case DCMD_QXDEAD_ABORT:
		pthread_mutex_lock(&qd.mtx);
		qd.abort = 1;
		pthread_cond_signal(&qd.work_cv);
		pthread_mutex_unlock(&qd.mtx);
		break;
	case DCMD_QXDEAD_SYNC: {
		uint64_t total;

		if (msg->i.nbytes < sizeof(total))
			return EINVAL;
		usleep(2000);	/* in the handler: the client may die meanwhile */
		pthread_mutex_lock(&qd.mtx);
		total = ocb->total;
		pthread_mutex_unlock(&qd.mtx);
		memcpy(data, &total, sizeof(total));
		nbytes = sizeof(total);
		break;
	}
	default:
		return ENOSYS;
	}
	memset(&msg->o, 0, sizeof(msg->o));
	msg->o.nbytes = nbytes;
	return _RESMGR_PTR(ctp, &msg->o, sizeof(msg->o) + nbytes);
}

/* Takes the OCB's queued jobs off the queue (the caller holds qd.mtx) and
 * counts them cancelled; the caller answers them once it dropped it. */
static struct qd_req *
take_jobs(struct qd_ocb *ocb)
{
	struct qd_req **pp, *r, *out = NULL;

	pp = &qd.reqs;
	while ((r = *pp) != NULL) {
		if (r->ocb == ocb) {
			*pp = r->next;
			qd.st.queued--;
			qd.st.cancelled++;
			r->next = out;
			out = r;
		} else {
			pp = &r->next;
		}
	}
	qd.rtail = &qd.reqs;
	while (*qd.rtail != NULL)
		qd.rtail = &(*qd.rtail)->next;
	return out;
}

static void
cancel_jobs(struct qd_req *r)
{
	struct qd_req *next;

	for (; r != NULL; r = next) {
		next = r->next;
		MsgError(r->rcvid, EBADF);	/* ESRCH if its client died */
		free(r);
	}
}

/* Every close of an OCB, the client's or its death's: its queued jobs are
 * answered now (their clients would otherwise wait for a worker that may
 * never get to them). Unlocked by the library: our own lock. */
static int
qd_close_dup(resmgr_context_t *ctp, io_close_t *msg, RESMGR_OCB_T *ocb)
{
	struct qd_req *r;

	pthread_mutex_lock(&qd.mtx);
	qd.st.close_dups++;
	r = take_jobs(ocb);
	pthread_mutex_unlock(&qd.mtx);
	cancel_jobs(r);
	return iofunc_close_dup_default(ctp, msg, ocb);
}

/* The last close. close_dup ran without the OCB's lock, so a JOB handler
 * still running on this OCB then may have queued its job after close_dup
 * looked (the library calls us once that handler is done): those go too.
 * Then the worker may be running this OCB's job: it credits the OCB after. */
static int
qd_close_ocb(resmgr_context_t *ctp, void *reserved, RESMGR_OCB_T *ocb)
{
	struct qd_req *r;

	pthread_mutex_lock(&qd.mtx);
	r = take_jobs(ocb);
#ifndef QD_BUG_CLOSE_NO_WAIT
	while (ocb->inwork > 0)
		pthread_cond_wait(&qd.idle_cv, &qd.mtx);
#endif
	pthread_mutex_unlock(&qd.mtx);
	cancel_jobs(r);
	return iofunc_close_ocb_default(ctp, reserved, ocb);
}

/* ---- start and stop ---- */

static int
qd_start(void)
{
	resmgr_attr_t rattr;
	thread_pool_attr_t pattr;
	pthread_condattr_t ca;

	memset(&qd, 0, sizeof(qd));
	qd.id = -1;
	qd.rtail = &qd.reqs;
	pthread_mutex_init(&qd.mtx, NULL);
	pthread_cond_init(&qd.cv, NULL);
	pthread_cond_init(&qd.idle_cv, NULL);
	/* the job's time must not move with the date: the monotonic clock */
	pthread_condattr_init(&ca);
	if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != EOK)
		return EINVAL;
	pthread_cond_init(&qd.work_cv, &ca);
	pthread_condattr_destroy(&ca);

	if ((qd.dpp = dispatch_create()) == NULL)
		return errno;
	memset(&rattr, 0, sizeof(rattr));
	rattr.nparts_max = 1;
	rattr.msg_max_size = 2048;

	iofunc_func_init(_RESMGR_CONNECT_NFUNCS, &qd.connect_funcs, _RESMGR_IO_NFUNCS,
	    &qd.io_funcs);
	qd.io_funcs.devctl = qd_devctl;
	qd.io_funcs.close_dup = qd_close_dup;
	qd.io_funcs.close_ocb = qd_close_ocb;

	iofunc_attr_init(&qd.attr, S_IFCHR | 0666, NULL, NULL);
	qd.ocb_funcs.nfuncs = _IOFUNC_NFUNCS;
	qd.ocb_funcs.ocb_calloc = qd_ocb_calloc;
	qd.ocb_funcs.ocb_free = qd_ocb_free;
	qd.mount.funcs = &qd.ocb_funcs;
	qd.attr.mount = &qd.mount;

	qd.id = resmgr_attach(qd.dpp, &rattr, QD_PATH, _FTYPE_ANY, 0, &qd.connect_funcs,
	    &qd.io_funcs, &qd.attr);
	if (qd.id == -1)
		goto fail;
	if (pthread_create(&qd.worker, NULL, qd_worker, NULL) != EOK)
		goto fail_detach;

	memset(&pattr, 0, sizeof(pattr));
	pattr.handle = qd.dpp;
	pattr.context_alloc = dispatch_context_alloc;
	pattr.block_func = dispatch_block;
	pattr.unblock_func = dispatch_unblock;
	pattr.handler_func = dispatch_handler;
	pattr.context_free = dispatch_context_free;
	pattr.lo_water = 2;
	pattr.increment = 1;
	pattr.hi_water = 3;
	pattr.maximum = 4;
	if ((qd.tpp = thread_pool_create(&pattr, 0)) == NULL)
		goto fail_worker;
	thread_pool_start(qd.tpp);
	return EOK;

fail_worker:
	pthread_mutex_lock(&qd.mtx);
	qd.stopping = 1;
	pthread_cond_signal(&qd.cv);
	pthread_mutex_unlock(&qd.mtx);
	pthread_join(qd.worker, NULL);
fail_detach:
	resmgr_detach(qd.dpp, qd.id, 0);
fail:
	dispatch_destroy(qd.dpp);
	return ENOMEM;
}

static int
qd_stop(void)
{
	resmgr_detach(qd.dpp, qd.id, 0);
	thread_pool_destroy(qd.tpp);

	pthread_mutex_lock(&qd.mtx);
	qd.stopping = 1;
	pthread_cond_signal(&qd.cv);
	pthread_cond_signal(&qd.work_cv);
	pthread_mutex_unlock(&qd.mtx);
	pthread_join(qd.worker, NULL);

	/* every OCB closed (a dead client's too), every job answered once */
	assert(qd.st.opens == 0 && qd.reqs == NULL && qd.st.queued == 0);
	assert(qd.st.started == qd.st.done);

	dispatch_destroy(qd.dpp);
	pthread_cond_destroy(&qd.work_cv);
	pthread_cond_destroy(&qd.idle_cv);
	pthread_cond_destroy(&qd.cv);
	pthread_mutex_destroy(&qd.mtx);
	return EOK;
}

KS_QNX_DRIVER(qxdead, NULL, qd_start, qd_stop);
