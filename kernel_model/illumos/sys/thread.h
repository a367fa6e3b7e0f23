/*
 * illumos <sys/thread.h>: kernel threads a driver starts. thread_create
 * runs proc(arg) as a kernel thread named after proc; thread_exit ends the
 * calling one from any depth (a thread whose function returns exits too).
 * Only what drivers use: the kernel's own stack (stk NULL), TS_RUN (a
 * thread created stopped is not modelled); len > 0 copies len bytes of
 * arg (at most 256) for the thread, as illumos copies them onto its
 * stack. The priority is not used by the kernel model's scheduler. curthread names the
 * calling thread; of its fields t_did is modelled, which
 * thread_join(t->t_did) waits on, as a detach does before its module's
 * code goes, and t_procp (ttoproc), the process curproc names, written when
 * curthread is asked (another thread's record keeps what it had then).
 */
#ifndef _KS_ILLUMOS_SYS_THREAD_H
#define _KS_ILLUMOS_SYS_THREAD_H

#include <sys/types.h>

struct proc;
/* What a driver reads of a thread: its id, for thread_join, its process. */
typedef struct _kthread {
	kt_did_t	t_did;
	struct proc	*t_procp;
} kthread_t;
#define ttoproc(t)	((t)->t_procp)

#define TS_FREE		0x00
#define TS_SLEEP	0x01
#define TS_RUN		0x02
#define TS_ONPROC	0x04
#define TS_ZOMB		0x08
#define TS_STOPPED	0x10

#ifdef __cplusplus
extern "C" {
#endif
kthread_t *ks_il_thread_create(caddr_t stk, size_t stksize, void (*proc)(void *), void *arg,
    size_t len, struct proc *pp, int state, pri_t pri, const char *name);
void thread_exit(void) __attribute__((noreturn));
/* Waits until the thread_create'd thread `did` has exited (at once if it has). */
void thread_join(kt_did_t did);
kthread_t *ks_il_curthread(void);
#ifdef __cplusplus
}
#endif

#define thread_create(stk, stksize, proc, arg, len, pp, state, pri)		\
	ks_il_thread_create((stk), (stksize), (void (*)(void *))(proc), (arg),	\
	    (len), (pp), (state), (pri), #proc)
#define curthread (ks_il_curthread())

#endif
