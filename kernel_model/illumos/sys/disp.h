/*
 * illumos <sys/disp.h>: the dispatcher's priorities a driver passes to
 * taskq_create and thread_create. The kernel model's scheduler does not
 * use them.
 */
#ifndef _KS_ILLUMOS_SYS_DISP_H
#define _KS_ILLUMOS_SYS_DISP_H

#include <sys/types.h>

#ifndef minclsyspri
#define minclsyspri ((pri_t)60)
#define maxclsyspri ((pri_t)99)
#endif

/*
 * Preemption off for the calling thread: it stays on its CPU, while the
 * other CPUs run on, so nothing about which driver code can run
 * concurrently changes; a thread that blocks meanwhile is a bug on
 * illumos, not reported here.
 */
#define kpreempt_disable() do { } while (0)
#define kpreempt_enable() do { } while (0)

#endif
