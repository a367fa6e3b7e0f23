/*
 * FreeBSD <sys/kthread.h>: kernel threads, each a fiber of the World. The
 * thread ends when its function returns or calls kthread_exit (kproc_exit
 * for a kproc_create'd one; its argument is ignored). They are service
 * threads: asleep when the users are done is fine, but they must have
 * ended by the final checks (the module's MOD_UNLOAD stops them).
 * Every kernel thread's td_proc is one process record, proc0's ("kernel",
 * P_KPROC | P_SYSTEM): kproc_create and kproc_kthread_add hand that out as
 * the new process (FreeBSD makes a process of its own; the model has no
 * kernel processes but proc0).
 */
#ifndef _KS_FREEBSD_SYS_KTHREAD_H
#define _KS_FREEBSD_SYS_KTHREAD_H

#include <sys/types.h>

struct thread;
struct proc;

#define RFHIGHPID	(1 << 18)
#define RFSTOPPED	(1 << 17)

#ifdef __cplusplus
extern "C" {
#endif
int kthread_add(void (*)(void *), void *, struct proc *, struct thread **, int, int,
    const char *, ...) __attribute__((format(__printf__, 7, 8)));
int kproc_create(void (*)(void *), void *, struct proc **, int, int, const char *, ...)
    __attribute__((format(__printf__, 6, 7)));
/* a thread in *procp, first made with kproc_create (named procname) when
 * *procp is NULL; the thread is named by fmt (kern_kthread.c) */
int kproc_kthread_add(void (*)(void *), void *, struct proc **, struct thread **, int, int,
    const char *, const char *, ...) __attribute__((format(__printf__, 8, 9)));
void kthread_exit(void) __attribute__((noreturn));
void kproc_exit(int) __attribute__((noreturn));
#ifdef __cplusplus
}
#endif

#endif
