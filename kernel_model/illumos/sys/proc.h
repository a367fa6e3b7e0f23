/*
 * illumos <sys/proc.h>: the process as a driver names it. proc_t is opaque
 * (a driver asks the DDI, ddi_get_pid, rather than reading p_pid); p0 is
 * the kernel's own process, which thread_create's callers pass, and
 * curproc is the calling thread's: p0 in a kernel thread, else an opaque
 * name of the user process, the same for all its threads.
 */
#ifndef _KS_ILLUMOS_SYS_PROC_H
#define _KS_ILLUMOS_SYS_PROC_H

#include <sys/types.h>
#include <sys/thread.h>

typedef struct proc proc_t;
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
