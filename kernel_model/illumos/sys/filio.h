/*
 * illumos <sys/filio.h>: the generic file ioctls. FIONBIO reaches the
 * driver's ioctl(9E) first; when it returns 0 the kernel sets or clears
 * the file's FNDELAY (illumos ioctl(): see the kernel model's
 * DevOps::fionbio), so a driver that keeps no state for it returns 0.
 */
#ifndef _KS_ILLUMOS_SYS_FILIO_H
#define _KS_ILLUMOS_SYS_FILIO_H

#include <sys/ioccom.h>

#define FIOCLEX		_IO('f', 1)
#define FIONCLEX	_IO('f', 2)
#define FIONREAD	_IOR('f', 127, int)
#define FIONBIO		_IOW('f', 126, int)
#define FIOASYNC	_IOW('f', 125, int)
#define FIOSETOWN	_IOW('f', 124, int)
#define FIOGETOWN	_IOR('f', 123, int)

#endif
