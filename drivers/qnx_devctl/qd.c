/*
 * qnx_devctl: a QNX Neutrino resource manager for a block-device-like
 * device, /dev/qd0, served by a pool of two threads. Its io_devctl takes a
 * command by its number (get_device_command), then checks the direction
 * and the size the client gave against the command's own, so a client
 * built with an older header gets EINVAL, not a misread; commands it does
 * not know go back to the library (_RESMGR_DEFAULT: ENOTTY at the client).
 * The device's state is shared by the pool's threads under qd_lock.
 * io_read and io_write move the device's data (QD_DATA_SIZE bytes) at the
 * OCB's offset, or at a pread/pwrite's one-shot offset; each starts with
 * the library's verify, since nothing else checks the open mode.
 *
 * Bug variants (KS_VARIANT):
 *   no_mode_check    FORMAT does not check the open mode: a read-only
 *                    client formats the device
 *   reply_nbytes     GET_STATS replies the client's nbytes, not what it
 *                    wrote: stale bytes of the server's receive buffer go out
 *   config_unlocked  SET_CONFIG updates the configuration without qd_lock:
 *                    two server threads lose an update
 *   msgread_nbytes   SET_CONFIG reads the client's nbytes of data into a
 *                    buffer the size of a struct qd_config
 *   write_no_verify  io_write without iofunc_write_verify: a read-only
 *                    open overwrites the device's data
 */
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/dispatch.h>
#include <sys/iofunc.h>
#include <sys/iomsg.h>
#include <sys/kernsim.h>
#include <sys/neutrino.h>
#include <sys/resmgr.h>
#include <sys/stat.h>

#include "qd_io.h"

#define QD "qnx_devctl"

static const char *const qd_variants[] = {
	"no_mode_check", "FORMAT without the open-mode check",
	"reply_nbytes", "GET_STATS replies the client's nbytes",
	"config_unlocked", "SET_CONFIG without qd_lock",
	"msgread_nbytes", "SET_CONFIG reads the client's nbytes into a qd_config",
	"write_no_verify", "io_write without iofunc_write_verify",
	NULL,
};

static dispatch_t *qd_dpp;
static thread_pool_t *qd_pool;
static int qd_id = -1;
static resmgr_connect_funcs_t qd_connect;
static resmgr_io_funcs_t qd_io;
static iofunc_attr_t qd_attr;

static pthread_mutex_t qd_lock = PTHREAD_MUTEX_INITIALIZER;
static struct qd_config qd_cfg;
static struct qd_stats qd_st;
static unsigned char qd_data[QD_DATA_SIZE];

/* An _IO_READ or _IO_WRITE header with a pread/pwrite's offset after it. */
struct qd_xoffset {
	struct _io_read hdr;		/* the same layout as struct _io_write */
	struct _xtype_offset offset;
};

/* What each command moves: its direction and the size of its data. */
struct qd_cmd {
	unsigned cmd;
	unsigned dir;
	size_t size;
};

static const struct qd_cmd qd_cmds[] = {
	{ get_device_command(DCMD_QD_GET_CONFIG), DEVDIR_FROM, sizeof(struct qd_config) },
	{ get_device_command(DCMD_QD_SET_CONFIG), DEVDIR_TO, sizeof(struct qd_config) },
	{ get_device_command(DCMD_QD_XCHG_CONFIG), DEVDIR_TOFROM, sizeof(struct qd_config) },
	{ get_device_command(DCMD_QD_GET_STATS), DEVDIR_FROM, sizeof(struct qd_stats) },
	{ get_device_command(DCMD_QD_FORMAT), DEVDIR_TO, sizeof(struct qd_format) },
	{ get_device_command(DCMD_QD_SYNC), DEVDIR_NONE, 0 },
};

static const struct qd_cmd *
qd_lookup(unsigned cmd)
{
	for (size_t i = 0; i < sizeof qd_cmds / sizeof qd_cmds[0]; i++)
		if (qd_cmds[i].cmd == cmd)
			return &qd_cmds[i];
	return NULL;
}

static int
qd_config_ok(const struct qd_config *c)
{
	return c->block_size >= 512 && c->block_size <= 65536 &&
	    (c->block_size & (c->block_size - 1)) == 0 && c->cache_mode <= 1;
}

/* Programming the device's registers takes a millisecond. */
static void
qd_program(const struct qd_config *c)
{
	(void)c;
	delay(1);
}

/* Reply with `n` bytes of data at the start of the data area. */
static int
qd_reply(resmgr_context_t *ctp, io_devctl_t *msg, size_t n)
{
	msg->o.zero = 0;
	msg->o.ret_val = 0;
	msg->o.nbytes = (uint32_t)n;
	msg->o.zero2 = 0;
	return _RESMGR_PTR(ctp, &msg->o, sizeof(msg->o) + n);
}

/* SET_CONFIG and XCHG_CONFIG: read the new configuration, apply it under
 * the lock, and hand back the old one in *old. */
static int
qd_set_config(resmgr_context_t *ctp, io_devctl_t *msg, struct qd_config *old)
{
	size_t want = sizeof(struct qd_config);
	struct qd_config *c;
	uint32_t gen;
	ssize_t n;
	int locked = !KS_VARIANT(QD, "config_unlocked");

	c = malloc(sizeof *c);
	if (c == NULL)
		return ENOMEM;
	if (KS_VARIANT(QD, "msgread_nbytes"))
		want = msg->i.nbytes;
	n = resmgr_msgread(ctp, c, want, sizeof(msg->i));
	if (n < (ssize_t)sizeof *c || !qd_config_ok(c)) {
		free(c);
		return EINVAL;
	}
	if (locked)
		pthread_mutex_lock(&qd_lock);
	*old = qd_cfg;
	gen = qd_cfg.generation;
	qd_program(c);
	qd_cfg.block_size = c->block_size;
	qd_cfg.cache_mode = c->cache_mode;
	qd_cfg.generation = gen + 1;
	if (locked)
		pthread_mutex_unlock(&qd_lock);
	pthread_mutex_lock(&qd_lock);
	qd_st.sets++;
	pthread_mutex_unlock(&qd_lock);
	free(c);
	return EOK;
}

static int
qd_devctl(resmgr_context_t *ctp, io_devctl_t *msg, iofunc_ocb_t *ocb)
{
	const struct qd_cmd *c;
	struct qd_config cfg;
	struct qd_stats st;
	struct qd_format fmt;
	unsigned dcmd = (unsigned)msg->i.dcmd;
	size_t nbytes = msg->i.nbytes;
	int status;

	status = iofunc_devctl_default(ctp, msg, ocb);
	if (status != _RESMGR_DEFAULT)
		return status;
	c = qd_lookup(get_device_command(dcmd));
	if (c == NULL)
		return _RESMGR_DEFAULT;
	if (get_device_direction(dcmd) != c->dir || nbytes < c->size)
		return EINVAL;

	pthread_mutex_lock(&qd_lock);
	qd_st.devctls++;
	pthread_mutex_unlock(&qd_lock);

	switch (c->cmd) {
	case get_device_command(DCMD_QD_GET_CONFIG):
		pthread_mutex_lock(&qd_lock);
		cfg = qd_cfg;
		pthread_mutex_unlock(&qd_lock);
		memcpy(_DEVCTL_DATA(msg->o), &cfg, sizeof cfg);
		return qd_reply(ctp, msg, sizeof cfg);

	case get_device_command(DCMD_QD_SET_CONFIG):
		return qd_set_config(ctp, msg, &cfg);

	case get_device_command(DCMD_QD_XCHG_CONFIG):
		status = qd_set_config(ctp, msg, &cfg);
		if (status != EOK)
			return status;
		memcpy(_DEVCTL_DATA(msg->o), &cfg, sizeof cfg);
		return qd_reply(ctp, msg, sizeof cfg);

	case get_device_command(DCMD_QD_GET_STATS):
		pthread_mutex_lock(&qd_lock);
		st = qd_st;
		st.generation = qd_cfg.generation;
		pthread_mutex_unlock(&qd_lock);
		memcpy(_DEVCTL_DATA(msg->o), &st, sizeof st);
		return qd_reply(ctp, msg, KS_VARIANT(QD, "reply_nbytes") ? nbytes : sizeof st);

	case get_device_command(DCMD_QD_FORMAT):
		/* The library leaves the open mode to the handler. */
		if (!KS_VARIANT(QD, "no_mode_check") && !(ocb->ioflag & _IO_FLAG_WR))
			return EBADF;
		if (resmgr_msgread(ctp, &fmt, sizeof fmt, sizeof(msg->i)) != sizeof fmt)
			return EINVAL;
		pthread_mutex_lock(&qd_lock);
		qd_st.formats++;
		(void)fmt.pattern;
		qd_cfg.block_size = 512;
		qd_cfg.cache_mode = 0;
		pthread_mutex_unlock(&qd_lock);
		return EOK;

	case get_device_command(DCMD_QD_SYNC):
		/* Flushing the write-back cache: a while, with no lock held. */
		delay(5);
		return EOK;
	}
	return _RESMGR_DEFAULT;
}

/* Where a read or write starts: a pread/pwrite's own offset, else the
 * OCB's. *skip is the headers' length (the write's data follows them). */
static int
qd_rw_offset(void *msg, uint32_t xtype, iofunc_ocb_t *ocb, off_t *off, size_t *skip)
{
	*skip = sizeof(struct _io_read);
	switch (xtype & _IO_XTYPE_MASK) {
	case _IO_XTYPE_NONE:
		*off = ocb->offset;
		return EOK;
	case _IO_XTYPE_OFFSET:
		*off = (off_t)((struct qd_xoffset *)msg)->offset.offset;
		*skip += sizeof(struct _xtype_offset);
		/* The verify refuses it too; the array index never leans on
		 * a check made elsewhere. */
		return *off < 0 ? EINVAL : EOK;
	}
	return ENOSYS;
}

static int
qd_read(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb)
{
	size_t skip, n = 0;
	off_t off;
	int status;

	if ((status = iofunc_read_verify(ctp, msg, ocb, NULL)) != EOK)
		return status;
	if ((status = qd_rw_offset(msg, msg->i.xtype, ocb, &off, &skip)) != EOK)
		return status;
	if (off < QD_DATA_SIZE) {
		n = (size_t)msg->i.nbytes;
		if (n > (size_t)(QD_DATA_SIZE - off))
			n = (size_t)(QD_DATA_SIZE - off);
	}
	if ((msg->i.xtype & _IO_XTYPE_MASK) == _IO_XTYPE_NONE)
		ocb->offset = off + (off_t)n;
	/* MsgReply does not block: the bytes go out as they are under the
	 * lock, never half of a concurrent write. */
	pthread_mutex_lock(&qd_lock);
	MsgReply(ctp->rcvid, (long)n, n ? qd_data + off : NULL, n);
	pthread_mutex_unlock(&qd_lock);
	return _RESMGR_NOREPLY;
}

static int
qd_write(resmgr_context_t *ctp, io_write_t *msg, iofunc_ocb_t *ocb)
{
	size_t skip, n;
	unsigned char *data;
	off_t off;
	int status;

	if (!KS_VARIANT(QD, "write_no_verify") &&
	    (status = iofunc_write_verify(ctp, msg, ocb, NULL)) != EOK)
		return status;
	if ((status = qd_rw_offset(msg, msg->i.xtype, ocb, &off, &skip)) != EOK)
		return status;
	n = (size_t)msg->i.nbytes;
	if (off >= QD_DATA_SIZE) {
		if (n)
			return ENOSPC;
		_IO_SET_WRITE_NBYTES(ctp, 0);
		return EOK;
	}
	if (n > (size_t)(QD_DATA_SIZE - off))
		n = (size_t)(QD_DATA_SIZE - off);
	data = malloc(n);
	if (data == NULL)
		return ENOMEM;
	/* The receive buffer holds only its first bytes: read the data from
	 * the client's message. */
	if (resmgr_msgread(ctp, data, n, skip) != (ssize_t)n) {
		free(data);
		return EBADMSG;
	}
	pthread_mutex_lock(&qd_lock);
	memcpy(qd_data + off, data, n);
	pthread_mutex_unlock(&qd_lock);
	free(data);
	if ((msg->i.xtype & _IO_XTYPE_MASK) == _IO_XTYPE_NONE)
		ocb->offset = off + (off_t)n;
	_IO_SET_WRITE_NBYTES(ctp, n);
	return EOK;
}

/* lock_ocb and unlock_ocb both: nothing to lock (see qd_start) */
static int
qd_lock_ocb(resmgr_context_t *ctp, void *reserved, iofunc_ocb_t *ocb)
{
	(void)ctp;
	(void)reserved;
	(void)ocb;
	return EOK;
}

static int
qd_start(void)
{
	resmgr_attr_t rattr;
	thread_pool_attr_t pattr;

	qd_dpp = dispatch_create();
	if (qd_dpp == NULL)
		return ENOMEM;
	memset(&rattr, 0, sizeof rattr);
	rattr.nparts_max = 1;
	rattr.msg_max_size = 2048;
	iofunc_func_init(_RESMGR_CONNECT_NFUNCS, &qd_connect, _RESMGR_IO_NFUNCS, &qd_io);
	qd_io.read = qd_read;
	qd_io.write = qd_write;
	qd_io.devctl = qd_devctl;
	/* The device's state has its own lock (qd_lock): no library lock of
	 * the attribute around each handler, so the pool's two threads serve
	 * two clients at once. */
	qd_io.lock_ocb = qd_lock_ocb;
	qd_io.unlock_ocb = qd_lock_ocb;
	iofunc_attr_init(&qd_attr, S_IFCHR | 0666, NULL, NULL);
	qd_attr.nbytes = QD_DATA_SIZE;
	qd_cfg.block_size = 512;
	qd_id = resmgr_attach(qd_dpp, &rattr, "/dev/qd0", _FTYPE_ANY, 0, &qd_connect, &qd_io,
	    &qd_attr);
	if (qd_id == -1) {
		dispatch_destroy(qd_dpp);
		return errno;
	}
	memset(&pattr, 0, sizeof pattr);
	pattr.handle = qd_dpp;
	pattr.context_alloc = dispatch_context_alloc;
	pattr.block_func = dispatch_block;
	pattr.unblock_func = dispatch_unblock;
	pattr.handler_func = dispatch_handler;
	pattr.context_free = dispatch_context_free;
	pattr.lo_water = 2;
	pattr.increment = 1;
	pattr.hi_water = 2;
	pattr.maximum = 2;
	qd_pool = thread_pool_create(&pattr, 0);
	if (qd_pool == NULL) {
		resmgr_detach(qd_dpp, qd_id, 0);
		dispatch_destroy(qd_dpp);
		return errno;
	}
	thread_pool_start(qd_pool);
	return 0;
}

static int
qd_stop(void)
{
	/* Every set made exactly one generation. */
	assert(qd_cfg.generation == qd_st.sets);
	resmgr_detach(qd_dpp, qd_id, 0);
	thread_pool_destroy(qd_pool);
	dispatch_destroy(qd_dpp);
	pthread_mutex_destroy(&qd_lock);
	return 0;
}

KS_QNX_DRIVER(qnx_devctl, qd_variants, qd_start, qd_stop);
