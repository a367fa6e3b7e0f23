/* FreeBSD <sys/proc.h>: threads are opaque here; curthread is in sys/systm.h. */
#ifndef _KS_FREEBSD_SYS_PROC_H
#define _KS_FREEBSD_SYS_PROC_H

#include <sys/types.h>
#include <sys/systm.h>

struct thread;
struct proc;

#endif
