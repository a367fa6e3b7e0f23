/*
 * qxhello: the smallest resource manager the QNX guides walk through (the
 * qnxprobe audit), written as their examples are: a read-only /dev/qxhello
 * whose io_read replies with SETIOV and _RESMGR_NPARTS at the OCB's
 * offset and marks the access time, an io_write that takes every byte,
 * S_IFNAM for its type, and main()'s thread_pool_create with
 * POOL_FLAG_EXIT_SELF (here the start function, which returns).
 * QXHELLO_STAMP: each read from the start sleeps (nanosleep, usleep) and
 * answers the clocks it then reads, and a rand(), instead of the greeting.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/iofunc.h>
#include <sys/dispatch.h>
#include <sys/neutrino.h>
#include <sys/kernsim.h>
#ifdef QXHELLO_STAMP
#include <time.h>
#include <sys/time.h>
#endif

#ifdef QXHELLO_STAMP
static char buffer[96] = "Hello world\n";

static void stamp(iofunc_attr_t *a)
{
	struct timespec nap = { 0, 5000000 }, mono, real;
	struct timeval tv;

	(void) nanosleep(&nap, NULL);
	(void) usleep(1000);
	(void) clock_gettime(CLOCK_MONOTONIC, &mono);
	(void) clock_gettime(CLOCK_REALTIME, &real);
	(void) gettimeofday(&tv, NULL);
	a->nbytes = snprintf(buffer, sizeof buffer, "%lld.%09ld %lld %lld %lld %d",
	    (long long)mono.tv_sec, mono.tv_nsec, (long long)real.tv_sec,
	    (long long)tv.tv_sec, (long long)time(NULL), rand()) + 1;
}
#else
static const char buffer[] = "Hello world\n";
#endif
static resmgr_connect_funcs_t cf;
static resmgr_io_funcs_t iof;
static iofunc_attr_t attr;
static dispatch_t *dpp;
static thread_pool_t *tpp;
static int id;

static int io_read(resmgr_context_t *ctp, io_read_t *msg, RESMGR_OCB_T *ocb)
{
	size_t nleft, nbytes;
	int nparts, status;

	if ((status = iofunc_read_verify(ctp, msg, ocb, NULL)) != EOK)
		return status;
	if ((msg->i.xtype & _IO_XTYPE_MASK) != _IO_XTYPE_NONE)
		return ENOSYS;
#ifdef QXHELLO_STAMP
	if (ocb->offset == 0)
		stamp(ocb->attr);
#endif
	nleft = ocb->attr->nbytes - ocb->offset;
	nbytes = nleft < msg->i.nbytes ? nleft : msg->i.nbytes;
	if (nbytes > 0) {
		SETIOV(ctp->iov, buffer + ocb->offset, nbytes);
		_IO_SET_READ_NBYTES(ctp, nbytes);
		ocb->offset += nbytes;
		nparts = 1;
	} else {
		_IO_SET_READ_NBYTES(ctp, 0);
		nparts = 0;
	}
	if (msg->i.nbytes > 0)
		ocb->attr->flags |= IOFUNC_ATTR_ATIME;
	return _RESMGR_NPARTS(nparts);
}

static int io_write(resmgr_context_t *ctp, io_write_t *msg, RESMGR_OCB_T *ocb)
{
	int status;
	if ((status = iofunc_write_verify(ctp, msg, ocb, NULL)) != EOK)
		return status;
	if ((msg->i.xtype & _IO_XTYPE_MASK) != _IO_XTYPE_NONE)
		return ENOSYS;
	_IO_SET_WRITE_NBYTES(ctp, msg->i.nbytes);
	if (msg->i.nbytes > 0)
		ocb->attr->flags |= IOFUNC_ATTR_MTIME | IOFUNC_ATTR_CTIME;
	return _RESMGR_NPARTS(0);
}

static int start(void)
{
	resmgr_attr_t rattr;
	thread_pool_attr_t pool_attr;
	dpp = dispatch_create();
	memset(&rattr, 0, sizeof rattr);
	rattr.nparts_max = 1;
	rattr.msg_max_size = 2048;
	iofunc_func_init(_RESMGR_CONNECT_NFUNCS, &cf, _RESMGR_IO_NFUNCS, &iof);
	iof.read = io_read;
	iof.write = io_write;
	iofunc_attr_init(&attr, S_IFNAM | 0666, 0, 0);
	attr.nbytes = strlen(buffer) + 1;
	id = resmgr_attach(dpp, &rattr, "/dev/qxhello", _FTYPE_ANY, 0, &cf, &iof, &attr);
	memset(&pool_attr, 0, sizeof pool_attr);
	pool_attr.handle = dpp;
	pool_attr.context_alloc = dispatch_context_alloc;
	pool_attr.block_func = dispatch_block;
	pool_attr.unblock_func = dispatch_unblock;
	pool_attr.handler_func = dispatch_handler;
	pool_attr.context_free = dispatch_context_free;
	pool_attr.lo_water = 2;
	pool_attr.hi_water = 4;
	pool_attr.increment = 1;
	pool_attr.maximum = 50;
	tpp = thread_pool_create(&pool_attr, POOL_FLAG_EXIT_SELF);
	thread_pool_start(tpp);
	return 0;
}
static int stop(void)
{
	resmgr_detach(dpp, id, 0);
	thread_pool_destroy(tpp);
	dispatch_destroy(dpp);
	return 0;
}
KS_QNX_DRIVER(qxhello, NULL, start, stop);
