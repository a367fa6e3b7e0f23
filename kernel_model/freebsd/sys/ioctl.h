/*
 * FreeBSD <sys/ioctl.h>: a driver including it gets FreeBSD's command
 * encoding (<sys/ioccom.h>) and the generic file ioctls (<sys/filio.h>),
 * as on FreeBSD; without this header the host's would give Linux's
 * encoding, whose write bit is FreeBSD's IOC_OUT, so an _IOW command's
 * argument would never be copied in. The terminal and socket ioctls
 * (<sys/ttycom.h>, <sys/sockio.h>) are not modelled.
 */
#ifndef _KS_FREEBSD_SYS_IOCTL_H
#define _KS_FREEBSD_SYS_IOCTL_H

#include <sys/ioccom.h>
#include <sys/filio.h>

#endif
