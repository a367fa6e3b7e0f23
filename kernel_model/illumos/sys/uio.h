/*
 * illumos <sys/uio.h>: the host's struct iovec, plus the kernel's uio, the
 * description of a read or write a driver moves data through with uiomove.
 */
#ifndef _KS_ILLUMOS_SYS_UIO_H
#define _KS_ILLUMOS_SYS_UIO_H

#include_next <sys/uio.h>
#include <sys/types.h>

typedef struct iovec iovec_t;

typedef enum uio_seg { UIO_USERSPACE, UIO_SYSSPACE, UIO_USERISPACE } uio_seg_t;
enum uio_rw { UIO_READ, UIO_WRITE };
typedef enum uio_rw uio_rw_t;

typedef struct uio {
	iovec_t *uio_iov;
	int uio_iovcnt;
	offset_t uio_loffset;
	uio_seg_t uio_segflg;
	uint16_t uio_fmode;
	uint16_t uio_extflg;
	offset_t uio_limit;
	ssize_t uio_resid;
} uio_t;

#define uio_offset uio_loffset

#ifdef __cplusplus
extern "C" {
#endif
/*
 * Moves n bytes between kernel buffer p and the uio: UIO_READ copies out to
 * the uio (a read(2)), UIO_WRITE copies in from it. Returns 0 or EFAULT.
 */
extern int uiomove(void *p, size_t n, enum uio_rw rw, uio_t *uio);
/* one byte to (ureadc) or from (uwritec: the byte, or -1) the uio */
extern int ureadc(int c, uio_t *uio);
extern int uwritec(uio_t *uio);
#ifdef __cplusplus
}
#endif

#endif
