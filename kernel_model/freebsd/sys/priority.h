/*
 * FreeBSD <sys/priority.h>: the kernel's sleep priorities, FreeBSD's values.
 * sleep(9) takes them; the kernel model's scheduler does not use them.
 */
#ifndef _KS_FREEBSD_SYS_PRIORITY_H
#define _KS_FREEBSD_SYS_PRIORITY_H

#define PRI_MIN_KERN	64
#define PSWP		(PRI_MIN_KERN + 0)
#define PVM		(PRI_MIN_KERN + 4)
#define PINOD		(PRI_MIN_KERN + 8)
#define PRIBIO		(PRI_MIN_KERN + 12)
#define PVFS		(PRI_MIN_KERN + 16)
#define PZERO		(PRI_MIN_KERN + 20)
#define PSOCK		(PRI_MIN_KERN + 24)
#define PWAIT		(PRI_MIN_KERN + 28)
#define PLOCK		(PRI_MIN_KERN + 36)
#define PPAUSE		(PRI_MIN_KERN + 40)
#define PUSER		160

#endif
