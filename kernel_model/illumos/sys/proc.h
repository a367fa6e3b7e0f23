/*
 * illumos <sys/proc.h>: the process as a driver names it. p0 is the
 * kernel's own process (pid 0, "sched"), which thread_create's callers
 * pass; curproc is the calling thread's: p0 in a kernel thread, else the
 * record of its user process, at a fixed address (kernel_model/kmem_arena.h,
 * the records area) and written from the kernel model's state each time
 * curproc is asked. Only the fields below are modelled (others do not
 * compile); the DDI's ddi_get_pid and CRED() remain the way to ask.
 */
#ifndef _KS_ILLUMOS_SYS_PROC_H
#define _KS_ILLUMOS_SYS_PROC_H

#include <sys/types.h>
#include <sys/thread.h>

#ifndef MAXCOMLEN
#define MAXCOMLEN	16
#endif
#define PSARGSZ		80

struct cred;

/* What a driver reads of the process's user area: its command's name. */
struct user {
	char	u_comm[MAXCOMLEN + 1];
	char	u_psargs[PSARGSZ];
};

typedef struct proc {
	pid_t		p_pid;
	struct cred	*p_cred;	/* crgetuid(CRED()) is the DDI's way */
	struct user	p_user;
} proc_t;
extern proc_t p0;

#ifdef __cplusplus
extern "C" {
#endif
proc_t *ks_il_curproc(void);
#ifdef __cplusplus
}
#endif
#define curproc (ks_il_curproc())

#endif
