/*
 * FreeBSD <sys/filio.h>: the generic file ioctls. FIONBIO and FIOASYNC
 * reach a device's d_ioctl after the kernel has set the file's flag
 * (FreeBSD's kern_ioctl); a driver that keeps no state of its own for them
 * returns 0.
 */
#ifndef _KS_FREEBSD_SYS_FILIO_H
#define _KS_FREEBSD_SYS_FILIO_H

#include <sys/ioccom.h>

#define FIOCLEX		_IO('f', 1)		/* close on exec */
#define FIONCLEX	_IO('f', 2)		/* no close on exec */
#define FIONREAD	_IOR('f', 127, int)	/* bytes ready to read */
#define FIONBIO		_IOW('f', 126, int)	/* non-blocking i/o on or off */
#define FIOASYNC	_IOW('f', 125, int)	/* async i/o on or off */
#define FIOSETOWN	_IOW('f', 124, int)	/* owner of SIGIO */
#define FIOGETOWN	_IOR('f', 123, int)	/* owner of SIGIO */
#define FIODTYPE	_IOR('f', 122, int)	/* the d_flags type part */

#endif
