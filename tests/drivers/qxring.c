/*
 * qxring: a loopback byte FIFO as a QNX Neutrino resource manager on
 * /dev/qxring, written the way the "Writing a Resource Manager" guide and
 * the iofunc/resmgr/dispatch library reference describe one (the qxprobe
 * audit: not modelled on kernsim's own drivers).
 *
 * What a client writes goes into one ring shared by every open; a read
 * takes what is there. A read on an empty ring keeps the client
 * REPLY-blocked: io_read queues its rcvid and returns _RESMGR_NOREPLY, and
 * a second thread of ours (the "pump", woken through a condvar by io_write)
 * replies with MsgReply when data arrives. An unblock (a signal to the
 * client) or a close of the OCB answers its queued reads with an error.
 * Each open has an extended OCB (the mount structure's ocb_calloc and
 * ocb_free) carrying a tag and counters. Devctls (class _DCMD_MISC):
 *
 *   GETSTATS  __DIOF  the ring's counters
 *   SETTAG    __DIOT  this OCB's tag
 *   WATER     __DIOTF set the high-water mark (write access), get the old
 *   PUTV      __DIOT  a header and `len` bytes after it: the payload's
 *                     length is the client's, not the dcmd's
 *   PEEK      __DIOTF a header in, the header and `len` ring bytes out,
 *                     written with resmgr_msgwrite
 *   FLUSH     __DION  empty the ring (write access)
 *
 * Bug twins (-D): QX_BUG_CLOSE_KEEP: io_close_ocb leaves the OCB's queued
 * reads queued (a write would hand one's data to a closed OCB, freed; at
 * our stop, the check that nothing is left queued fails).
 * QX_BUG_NO_UNBLOCK: no io_unblock of our own (the library's default):
 * a signal cannot end a read REPLY-blocked on the empty ring.
 * QX_BUG_STATS_UNLOCKED: GETSTATS reads the counters without qx.mtx (the
 * attribute's lock does not cover an open's ocb_calloc or the pump).
 */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/neutrino.h>
#include <devctl.h>

struct qx_ocb;
#define IOFUNC_OCB_T struct qx_ocb
#include <sys/iofunc.h>
#include <sys/dispatch.h>
#include <sys/kernsim.h>

#define QX_PATH "/dev/qxring"
#define QX_RING_SIZE 512
#define QX_CHUNK 128		/* bytes moved per resmgr_msgread/MsgReply */

struct qx_stats {
	uint32_t count;		/* bytes in the ring */
	uint32_t waiting;	/* reads REPLY-blocked */
	uint32_t opens;
	uint32_t hiwater;
	uint64_t bytes_in;
	uint64_t bytes_out;
	uint64_t dropped;	/* written while the ring was at its mark */
};

struct qx_water {
	uint32_t hiwater;	/* 1 .. QX_RING_SIZE */
	uint32_t reserved;
};

/* PUTV and PEEK: this header, then `len` bytes of data */
struct qx_hdr {
	uint32_t len;
	uint32_t flags;
};

#define DCMD_QXRING_GETSTATS	__DIOF(_DCMD_MISC, 0x40, struct qx_stats)
#define DCMD_QXRING_SETTAG	__DIOT(_DCMD_MISC, 0x41, uint32_t)
#define DCMD_QXRING_WATER	__DIOTF(_DCMD_MISC, 0x42, struct qx_water)
#define DCMD_QXRING_PUTV	__DIOT(_DCMD_MISC, 0x43, struct qx_hdr)
#define DCMD_QXRING_PEEK	__DIOTF(_DCMD_MISC, 0x44, struct qx_hdr)
#define DCMD_QXRING_FLUSH	__DION(_DCMD_MISC, 0x45)

struct qx_ocb {
	iofunc_ocb_t hdr;	/* first: the library sees an iofunc_ocb_t */
	uint32_t tag;
	uint32_t reads;
	uint32_t writes;
	uint32_t queued;	/* reads of this OCB REPLY-blocked */
};

/* a client REPLY-blocked in read(), waiting for data */
struct qx_waiter {
	struct qx_waiter *next;
	int rcvid;
	int nbytes;
	struct qx_ocb *ocb;
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
	pthread_cond_t cv;	/* the pump: data arrived, or stop */
	pthread_t pump;
	int stopping;

	unsigned char ring[QX_RING_SIZE];
	uint32_t head, count, hiwater;
	struct qx_waiter *waiters, **wtail;
	uint32_t nwaiting, opens, next_tag;
	uint64_t bytes_in, bytes_out, dropped;
} qx;

/* the ring: callers hold qx.mtx */
static uint32_t
ring_put(const unsigned char *p, uint32_t n)
{
	uint32_t room = qx.hiwater > qx.count ? qx.hiwater - qx.count : 0;
	uint32_t i;

	if (n > room) {
		qx.dropped += n - room;
		n = room;
	}
	for (i = 0; i < n; i++)
		qx.ring[(qx.head + qx.count + i) % QX_RING_SIZE] = p[i];
	qx.count += n;
	qx.bytes_in += n;
	return n;
}

static uint32_t
ring_copy(unsigned char *p, uint32_t off, uint32_t n)
{
	uint32_t i;

	if (off >= qx.count)
		return 0;
	if (n > qx.count - off)
		n = qx.count - off;
	for (i = 0; i < n; i++)
		p[i] = qx.ring[(qx.head + off + i) % QX_RING_SIZE];
	return n;
}

static uint32_t
ring_get(unsigned char *p, uint32_t n)
{
	n = ring_copy(p, 0, n);
	qx.head = (qx.head + n) % QX_RING_SIZE;
	qx.count -= n;
	qx.bytes_out += n;
	return n;
}

/* ---- OCBs ---- */

static IOFUNC_OCB_T *
qx_ocb_calloc(resmgr_context_t *ctp, IOFUNC_ATTR_T *attr)
{
	struct qx_ocb *ocb = calloc(1, sizeof(*ocb));

	(void)ctp;
	(void)attr;
	if (ocb == NULL)
		return NULL;
	pthread_mutex_lock(&qx.mtx);
	ocb->tag = ++qx.next_tag;
	qx.opens++;
	pthread_mutex_unlock(&qx.mtx);
	return ocb;
}

static void
qx_ocb_free(IOFUNC_OCB_T *ocb)
{
	pthread_mutex_lock(&qx.mtx);
	qx.opens--;
	pthread_mutex_unlock(&qx.mtx);
	free(ocb);
}

/* Takes the waiters matching (ocb, or rcvid when ocb is NULL) off the
 * queue; the caller holds qx.mtx and replies to them after dropping it. */
static struct qx_waiter *
take_waiters(struct qx_ocb *ocb, int rcvid)
{
	struct qx_waiter **pp = &qx.waiters, *w, *out = NULL;

	while ((w = *pp) != NULL) {
		if (ocb != NULL ? w->ocb == ocb : w->rcvid == rcvid) {
			*pp = w->next;
			w->ocb->queued--;
			qx.nwaiting--;
			w->next = out;
			out = w;
		} else {
			pp = &w->next;
		}
	}
	qx.wtail = &qx.waiters;
	while (*qx.wtail != NULL)
		qx.wtail = &(*qx.wtail)->next;
	return out;
}

static void
fail_waiters(struct qx_waiter *w, int error)
{
	struct qx_waiter *next;

	for (; w != NULL; w = next) {
		next = w->next;
		MsgError(w->rcvid, error);	/* ESRCH if the client is gone */
		free(w);
	}
}

/* ---- the pump: replies to blocked reads when data arrives ---- */

static void *
qx_pump(void *arg)
{
	unsigned char buf[QX_CHUNK];
	struct qx_waiter *w;
	uint32_t n;

	(void)arg;
	pthread_mutex_lock(&qx.mtx);
	for (;;) {
		while (!qx.stopping && (qx.waiters == NULL || qx.count == 0))
			pthread_cond_wait(&qx.cv, &qx.mtx);
		if (qx.stopping)
			break;
		w = qx.waiters;
		qx.waiters = w->next;
		if (qx.waiters == NULL)
			qx.wtail = &qx.waiters;
		qx.nwaiting--;
		w->ocb->queued--;
		w->ocb->reads++;
		n = ring_get(buf, (uint32_t)w->nbytes < sizeof(buf) ? (uint32_t)w->nbytes :
		    sizeof(buf));
		pthread_mutex_unlock(&qx.mtx);
		MsgReply(w->rcvid, n, buf, n);
		free(w);
		pthread_mutex_lock(&qx.mtx);
	}
	pthread_mutex_unlock(&qx.mtx);
	return NULL;
}

/* ---- I/O handlers ---- */

static int
qx_read(resmgr_context_t *ctp, io_read_t *msg, RESMGR_OCB_T *ocb)
{
	unsigned char buf[QX_CHUNK];
	struct qx_waiter *w;
	int nonblock, status;
	uint32_t n, want;

	if ((status = iofunc_read_verify(ctp, msg, ocb, &nonblock)) != EOK)
		return status;
	if ((msg->i.xtype & _IO_XTYPE_MASK) != _IO_XTYPE_NONE)
		return ENOSYS;
	if (msg->i.nbytes == 0) {
		_IO_SET_READ_NBYTES(ctp, 0);
		return EOK;
	}
	want = msg->i.nbytes < QX_CHUNK ? msg->i.nbytes : QX_CHUNK;

	pthread_mutex_lock(&qx.mtx);
	if (qx.count > 0) {
		n = ring_get(buf, want);
		ocb->reads++;
		pthread_mutex_unlock(&qx.mtx);
		/* the data straight into the client's reply buffer */
		if (resmgr_msgwrite(ctp, buf, n, 0) == -1)
			return errno;
		_IO_SET_READ_NBYTES(ctp, n);
		return EOK;
	}
	if (nonblock) {
		pthread_mutex_unlock(&qx.mtx);
		return EAGAIN;
	}
	w = malloc(sizeof(*w));
	if (w == NULL) {
		pthread_mutex_unlock(&qx.mtx);
		return ENOMEM;
	}
	w->next = NULL;
	w->rcvid = ctp->rcvid;
	w->nbytes = (int)want;
	w->ocb = ocb;
	*qx.wtail = w;
	qx.wtail = &w->next;
	qx.nwaiting++;
	ocb->queued++;
	pthread_mutex_unlock(&qx.mtx);
	/* the pump replies when data arrives */
	return _RESMGR_NOREPLY;
}

static int
qx_write(resmgr_context_t *ctp, io_write_t *msg, RESMGR_OCB_T *ocb)
{
	unsigned char buf[QX_CHUNK];
	size_t off = sizeof(msg->i), left;
	int status;
	ssize_t got;

	if ((status = iofunc_write_verify(ctp, msg, ocb, NULL)) != EOK)
		return status;
	if ((msg->i.xtype & _IO_XTYPE_MASK) != _IO_XTYPE_NONE)
		return ENOSYS;
	left = msg->i.nbytes;
	while (left > 0) {
		size_t chunk = left < sizeof(buf) ? left : sizeof(buf);

		/* the data may be longer than our receive buffer took */
		got = resmgr_msgread(ctp, buf, chunk, off);
		if (got == -1)
			return errno;
		if (got == 0)
			break;
		pthread_mutex_lock(&qx.mtx);
		ring_put(buf, (uint32_t)got);
		pthread_cond_signal(&qx.cv);
		pthread_mutex_unlock(&qx.mtx);
		off += (size_t)got;
		left -= (size_t)got;
	}
	pthread_mutex_lock(&qx.mtx);
	ocb->writes++;
	pthread_mutex_unlock(&qx.mtx);
	/* every byte taken (past the mark: counted as dropped, as a UART's overrun) */
	_IO_SET_WRITE_NBYTES(ctp, msg->i.nbytes - left);
	return EOK;
}

static int
devctl_putv(resmgr_context_t *ctp, io_devctl_t *msg, struct qx_ocb *ocb)
{
	unsigned char buf[QX_CHUNK];
	struct qx_hdr h;
	size_t off, left;
	ssize_t got;

	if (msg->i.nbytes < sizeof(h))
		return EINVAL;
	if (resmgr_msgread(ctp, &h, sizeof(h), sizeof(msg->i)) != (ssize_t)sizeof(h))
		return EBADMSG;
	if (h.len > msg->i.nbytes - sizeof(h))
		return EINVAL;
	off = sizeof(msg->i) + sizeof(h);
	left = h.len;
	while (left > 0) {
		size_t chunk = left < sizeof(buf) ? left : sizeof(buf);

		got = resmgr_msgread(ctp, buf, chunk, off);
		if (got <= 0)
			return got == 0 ? EBADMSG : errno;
		pthread_mutex_lock(&qx.mtx);
		ring_put(buf, (uint32_t)got);
		pthread_cond_signal(&qx.cv);
		pthread_mutex_unlock(&qx.mtx);
		off += (size_t)got;
		left -= (size_t)got;
	}
	pthread_mutex_lock(&qx.mtx);
	ocb->writes++;
	pthread_mutex_unlock(&qx.mtx);
	memset(&msg->o, 0, sizeof(msg->o));
	msg->o.ret_val = (int32_t)h.len;
	return _RESMGR_PTR(ctp, &msg->o, sizeof(msg->o));
}

static int
devctl_peek(resmgr_context_t *ctp, io_devctl_t *msg)
{
	unsigned char buf[QX_CHUNK];
	struct qx_hdr h;
	uint32_t n;

	if (msg->i.nbytes < sizeof(h))
		return EINVAL;
	memcpy(&h, _DEVCTL_DATA(msg->i), sizeof(h));
	if (h.len > msg->i.nbytes - sizeof(h))
		return EINVAL;		/* more than the client's buffer holds */
	if (h.len > sizeof(buf))
		h.len = sizeof(buf);
	pthread_mutex_lock(&qx.mtx);
	n = ring_copy(buf, h.flags, h.len);
	pthread_mutex_unlock(&qx.mtx);
	h.len = n;
	/* the header and data after the reply's own header, then the header */
	if (resmgr_msgwrite(ctp, &h, sizeof(h), sizeof(msg->o)) == -1 ||
	    (n > 0 && resmgr_msgwrite(ctp, buf, n, sizeof(msg->o) + sizeof(h)) == -1))
		return errno;
	memset(&msg->o, 0, sizeof(msg->o));
	msg->o.nbytes = sizeof(h) + n;
	return _RESMGR_PTR(ctp, &msg->o, sizeof(msg->o));
}

static int
qx_devctl(resmgr_context_t *ctp, io_devctl_t *msg, RESMGR_OCB_T *ocb)
{
	void *data = _DEVCTL_DATA(msg->i);
	size_t nbytes = 0;
	int status;

	/* the library's DCMD_ALL_* first */
	if ((status = iofunc_devctl_default(ctp, msg, ocb)) != _RESMGR_DEFAULT)
		return status;

	switch (msg->i.dcmd) {
	case DCMD_QXRING_GETSTATS: {
		struct qx_stats st;

		if (msg->i.nbytes < sizeof(st))
			return EINVAL;
		memset(&st, 0, sizeof(st));
#ifndef QX_BUG_STATS_UNLOCKED
		pthread_mutex_lock(&qx.mtx);
#endif
		st.count = qx.count;
		st.waiting = qx.nwaiting;
		st.opens = qx.opens;
		st.hiwater = qx.hiwater;
		st.bytes_in = qx.bytes_in;
		st.bytes_out = qx.bytes_out;
		st.dropped = qx.dropped;
#ifndef QX_BUG_STATS_UNLOCKED
		pthread_mutex_unlock(&qx.mtx);
#endif
		memcpy(data, &st, sizeof(st));
		nbytes = sizeof(st);
		break;
	}
	case DCMD_QXRING_SETTAG: {
		uint32_t tag;

		if (msg->i.nbytes < sizeof(tag))
			return EINVAL;
		memcpy(&tag, data, sizeof(tag));
		pthread_mutex_lock(&qx.mtx);
		ocb->tag = tag;
		pthread_mutex_unlock(&qx.mtx);
		break;
	}
	case DCMD_QXRING_WATER: {
		struct qx_water wa;
		uint32_t old;

		if ((status = iofunc_devctl_verify(ctp, msg, ocb,
		    _IO_DEVCTL_VERIFY_OCB_WRITE)) != EOK)
			return status;
		if (msg->i.nbytes < sizeof(wa))
			return EINVAL;
		memcpy(&wa, data, sizeof(wa));
		if (wa.hiwater == 0 || wa.hiwater > QX_RING_SIZE)
			return EINVAL;
		pthread_mutex_lock(&qx.mtx);
		old = qx.hiwater;
		qx.hiwater = wa.hiwater;
		pthread_mutex_unlock(&qx.mtx);
		wa.hiwater = old;
		wa.reserved = 0;
		memcpy(data, &wa, sizeof(wa));
		nbytes = sizeof(wa);
		break;
	}
	case DCMD_QXRING_FLUSH:
		if ((status = iofunc_devctl_verify(ctp, msg, ocb,
		    _IO_DEVCTL_VERIFY_OCB_WRITE)) != EOK)
			return status;
		pthread_mutex_lock(&qx.mtx);
		qx.head = 0;
		qx.count = 0;
		pthread_mutex_unlock(&qx.mtx);
		break;
	default:
		/* PUTV and PEEK carry their own length: any size of the same command */
		if (get_device_command(msg->i.dcmd) == get_device_command(DCMD_QXRING_PUTV) &&
		    get_device_direction(msg->i.dcmd) == DEVDIR_TO)
			return devctl_putv(ctp, msg, ocb);
		if (get_device_command(msg->i.dcmd) == get_device_command(DCMD_QXRING_PEEK) &&
		    get_device_direction(msg->i.dcmd) == DEVDIR_TOFROM)
			return devctl_peek(ctp, msg);
		return ENOSYS;
	}

	memset(&msg->o, 0, sizeof(msg->o));
	msg->o.nbytes = nbytes;
	return _RESMGR_PTR(ctp, &msg->o, sizeof(msg->o) + nbytes);
}

static int __attribute__((unused))
qx_unblock(resmgr_context_t *ctp, io_pulse_t *msg, RESMGR_OCB_T *ocb)
{
	struct qx_waiter *w;
	int status;

	if ((status = iofunc_unblock_default(ctp, msg, ocb)) != _RESMGR_DEFAULT)
		return status;
	pthread_mutex_lock(&qx.mtx);
	w = take_waiters(NULL, ctp->rcvid);
	pthread_mutex_unlock(&qx.mtx);
	if (w == NULL)
		return _RESMGR_DEFAULT;
	fail_waiters(w, EINTR);
	return _RESMGR_NOREPLY;
}

static int
qx_close_ocb(resmgr_context_t *ctp, void *reserved, RESMGR_OCB_T *ocb)
{
	struct qx_waiter *w = NULL;

#ifndef QX_BUG_CLOSE_KEEP
	pthread_mutex_lock(&qx.mtx);
	w = take_waiters(ocb, 0);
	pthread_mutex_unlock(&qx.mtx);
#endif
	fail_waiters(w, EBADF);
	return iofunc_close_ocb_default(ctp, reserved, ocb);
}

/* ---- start and stop (a process's main() up to its pool's start) ---- */

static int
qx_start(void)
{
	resmgr_attr_t rattr;
	thread_pool_attr_t pattr;

	memset(&qx, 0, sizeof(qx));
	qx.id = -1;
	qx.hiwater = QX_RING_SIZE;
	qx.wtail = &qx.waiters;
	pthread_mutex_init(&qx.mtx, NULL);
	pthread_cond_init(&qx.cv, NULL);

	if ((qx.dpp = dispatch_create()) == NULL)
		return errno;
	memset(&rattr, 0, sizeof(rattr));
	rattr.nparts_max = 1;
	rattr.msg_max_size = 2048;

	iofunc_func_init(_RESMGR_CONNECT_NFUNCS, &qx.connect_funcs, _RESMGR_IO_NFUNCS,
	    &qx.io_funcs);
	qx.io_funcs.read = qx_read;
	qx.io_funcs.write = qx_write;
	qx.io_funcs.devctl = qx_devctl;
#ifndef QX_BUG_NO_UNBLOCK
	qx.io_funcs.unblock = qx_unblock;
#endif
	qx.io_funcs.close_ocb = qx_close_ocb;

	iofunc_attr_init(&qx.attr, S_IFCHR | 0666, NULL, NULL);
	qx.ocb_funcs.nfuncs = _IOFUNC_NFUNCS;
	qx.ocb_funcs.ocb_calloc = qx_ocb_calloc;
	qx.ocb_funcs.ocb_free = qx_ocb_free;
	qx.mount.funcs = &qx.ocb_funcs;
	qx.attr.mount = &qx.mount;

	qx.id = resmgr_attach(qx.dpp, &rattr, QX_PATH, _FTYPE_ANY, 0, &qx.connect_funcs,
	    &qx.io_funcs, &qx.attr);
	if (qx.id == -1)
		goto fail;

	if (pthread_create(&qx.pump, NULL, qx_pump, NULL) != EOK)
		goto fail_detach;

	memset(&pattr, 0, sizeof(pattr));
	pattr.handle = qx.dpp;
	pattr.context_alloc = dispatch_context_alloc;
	pattr.block_func = dispatch_block;
	pattr.unblock_func = dispatch_unblock;
	pattr.handler_func = dispatch_handler;
	pattr.context_free = dispatch_context_free;
	pattr.lo_water = 2;
	pattr.increment = 1;
	pattr.hi_water = 3;
	pattr.maximum = 4;
	if ((qx.tpp = thread_pool_create(&pattr, 0)) == NULL)
		goto fail_pump;
	thread_pool_start(qx.tpp);
	return EOK;

fail_pump:
	pthread_mutex_lock(&qx.mtx);
	qx.stopping = 1;
	pthread_cond_signal(&qx.cv);
	pthread_mutex_unlock(&qx.mtx);
	pthread_join(qx.pump, NULL);
fail_detach:
	resmgr_detach(qx.dpp, qx.id, 0);
fail:
	dispatch_destroy(qx.dpp);
	return ENOMEM;
}

static int
qx_stop(void)
{
	resmgr_detach(qx.dpp, qx.id, 0);
	thread_pool_destroy(qx.tpp);

	pthread_mutex_lock(&qx.mtx);
	qx.stopping = 1;
	pthread_cond_signal(&qx.cv);
	pthread_mutex_unlock(&qx.mtx);
	pthread_join(qx.pump, NULL);

	/* every client closed its OCB before we go, and took its reads along */
	assert(qx.waiters == NULL && qx.nwaiting == 0 && qx.opens == 0);

	dispatch_destroy(qx.dpp);
	pthread_cond_destroy(&qx.cv);
	pthread_mutex_destroy(&qx.mtx);
	return EOK;
}

KS_QNX_DRIVER(qxring, NULL, qx_start, qx_stop);
