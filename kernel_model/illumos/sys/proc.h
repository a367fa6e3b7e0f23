/*
 * illumos <sys/proc.h>: the process as a driver names it. proc_t is opaque
 * (a driver asks the DDI, ddi_get_pid, rather than reading p_pid); p0 is
 * the kernel's own process, which thread_create's callers pass.
 */
#ifndef _KS_ILLUMOS_SYS_PROC_H
#define _KS_ILLUMOS_SYS_PROC_H

#include <sys/types.h>
#include <sys/thread.h>

typedef struct proc proc_t;
extern proc_t p0;

#endif
