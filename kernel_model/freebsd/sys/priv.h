/*
 * FreeBSD <sys/priv.h>: priv_check(9) and priv_check_cred(9). The kernel
 * model has no privilege sets or jails: a credential holds every privilege
 * when it is root's (uid 0; a kernel thread's is), none otherwise. Returns
 * 0 or EPERM. priv_check(td, p) asks about td->td_ucred.
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
struct ucred;

#ifdef __cplusplus
extern "C" {
#endif
int priv_check(struct thread *, int);
int priv_check_cred(struct ucred *, int);
#ifdef __cplusplus
}
#endif

#endif
