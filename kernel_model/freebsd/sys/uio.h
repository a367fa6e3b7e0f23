/*
 * FreeBSD <sys/uio.h>: struct uio and uiomove(9) for d_read/d_write. The
 * host's struct iovec is FreeBSD's too. uio_rw says which way the *user*
 * transfer goes (UIO_READ: the driver's data to the user), uiomove moves
 * min(n, uio_resid) bytes, advancing uio_offset and the iovecs, and
 * returns 0 or EFAULT (a user page missing; each page a scheduling point).
 * It is ks_fb_uiomove under a macro, as panic is: illumos has a uiomove of
 * its own (another signature), and both personalities link into one binary.
 */
#ifndef _KS_FREEBSD_SYS_UIO_H
#define _KS_FREEBSD_SYS_UIO_H

#include <sys/types.h>
#include_next <sys/uio.h>

enum uio_rw { UIO_READ, UIO_WRITE };
enum uio_seg { UIO_USERSPACE, UIO_SYSSPACE, UIO_NOCOPY };

struct thread;

struct uio {
	struct iovec *uio_iov;
	int uio_iovcnt;
	off_t uio_offset;
	ssize_t uio_resid;
	enum uio_seg uio_segflg;
	enum uio_rw uio_rw;
	struct thread *uio_td;
};

#ifdef __cplusplus
extern "C" {
#endif
int ks_fb_uiomove(void *cp, int n, struct uio *uio);
#ifdef __cplusplus
}
#endif

#define uiomove(cp, n, uio) ks_fb_uiomove((cp), (n), (uio))

/* uiomove of buf as if the file were buf: from uio_offset, what is left */
static inline int
uiomove_frombuf(void *buf, int buflen, struct uio *uio)
{
	size_t offset, n;
	if (uio->uio_offset < 0 || uio->uio_resid < 0)
		return (22);	/* EINVAL */
	offset = (size_t)uio->uio_offset;
	if (buflen <= 0 || offset >= (size_t)buflen)
		return (0);
	n = (size_t)buflen - offset;
	if (n > (size_t)uio->uio_resid)
		n = (size_t)uio->uio_resid;
	return (ks_fb_uiomove((char *)buf + offset, (int)n, uio));
}

#endif
