/*
 * FreeBSD <sys/bus.h>: of newbus only devctl_notify(9), which pseudo
 * drivers call too (device_t and the bus methods are not modelled).
 * devctl_notify queues "!system=S subsystem=U type=T DATA\n" for devd(8)
 * on /dev/devctl (subr_bus.c, read; a NULL system, subsystem or type is
 * dropped there, and so here). kernsim has no /dev/devctl: each event is a
 * console line, "devctl: " and the message without its newline, which a
 * scenario reads where it reads printf's (result.console).
 */
#ifndef _KS_FREEBSD_SYS_BUS_H
#define _KS_FREEBSD_SYS_BUS_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif
void devctl_notify(const char *system, const char *subsystem, const char *type,
    const char *data);
#ifdef __cplusplus
}
#endif

#endif
