/*
 * FreeBSD <sys/jail.h>: the kernel model has no jails; every credential is
 * in prison0, the host's, so jailed(9) is false.
 */
#ifndef _KS_FREEBSD_SYS_JAIL_H
#define _KS_FREEBSD_SYS_JAIL_H

#include <sys/ucred.h>

struct prison {
	int	pr_id;		/* 0: prison0 */
	char	pr_name[256];
};

#ifdef __cplusplus
extern "C" {
#endif
extern struct prison prison0;
int jailed(struct ucred *);
#ifdef __cplusplus
}
#endif

#endif
