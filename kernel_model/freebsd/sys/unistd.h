/*
 * FreeBSD <sys/unistd.h>: the kernel's fork flags, which kproc_create and
 * kthread_add take (<sys/kthread.h> uses RFHIGHPID and RFSTOPPED). Not the
 * host's <unistd.h>: its pause(void) is not the kernel's pause(9).
 */
#ifndef _KS_FREEBSD_SYS_UNISTD_H
#define _KS_FREEBSD_SYS_UNISTD_H

#define RFNAMEG		(1 << 0)
#define RFENVG		(1 << 1)
#define RFFDG		(1 << 2)
#define RFNOTEG		(1 << 3)
#define RFPROC		(1 << 4)
#define RFMEM		(1 << 5)
#define RFNOWAIT	(1 << 6)
#define RFCENVG		(1 << 10)
#define RFCFDG		(1 << 12)
#define RFTHREAD	(1 << 13)
#define RFSIGSHARE	(1 << 14)
#define RFLINUXTHPN	(1 << 16)
#define RFSTOPPED	(1 << 17)
#define RFHIGHPID	(1 << 18)
#define RFTSIGZMB	(1 << 19)
#define RFPROCDESC	(1 << 28)

#endif
