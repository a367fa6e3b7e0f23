/*
 * illumos <sys/aio_req.h>: the request a driver's aread(9E)/awrite(9E) is
 * handed, for aphysio(9F). Its two members as illumos exposes them to
 * drivers (aio_req(9S)); aphysio/anocancel are declared in <sys/buf.h>.
 */
#ifndef _KS_ILLUMOS_SYS_AIO_REQ_H
#define _KS_ILLUMOS_SYS_AIO_REQ_H

#include <sys/buf.h>

struct uio;

struct aio_req {
	struct uio *aio_uio;	/* the transfer */
	void *aio_private;	/* the asynchronous I/O layer's, not the driver's */
};

#endif
