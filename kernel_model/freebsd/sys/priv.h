/*
 * FreeBSD <sys/priv.h>: priv_check(9). The kernel model has no privilege
 * sets or jails: the thread's credential holds every privilege when it is
 * root's (uid 0) or the kernel's, none otherwise. Returns 0 or EPERM. The
 * thread must be the caller's (curthread, as d_ioctl's td is).
 */
#ifndef _KS_FREEBSD_SYS_PRIV_H
#define _KS_FREEBSD_SYS_PRIV_H

#define PRIV_IO		12	/* low-level I/O */
#define PRIV_KEYBOARD	13
#define PRIV_DRIVER	14	/* low-level driver privilege */
#define PRIV_ADJTIME	15
#define PRIV_CLOCK_SETTIME 17
#define PRIV_SETTIMEOFDAY 18

struct thread;

#ifdef __cplusplus
extern "C" {
#endif
int priv_check(struct thread *, int);
#ifdef __cplusplus
}
#endif

#endif
