/*
 * illumos <sys/ioctl.h>: a driver including it gets illumos's command
 * encoding (<sys/ioccom.h>) and the generic file ioctls (<sys/filio.h>),
 * as on illumos; without this header the host's would give Linux's
 * encoding, which puts the direction bits elsewhere. The terminal and
 * socket ioctls are not modelled.
 */
#ifndef _KS_ILLUMOS_SYS_IOCTL_H
#define _KS_ILLUMOS_SYS_IOCTL_H

#include <sys/ioccom.h>
#include <sys/filio.h>

#endif
