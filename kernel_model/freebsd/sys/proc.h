/*
 * FreeBSD <sys/proc.h>: what drivers read of a thread and its process.
 * curthread (sys/systm.h) and the td an entry point gets are records at
 * fixed addresses, one per thread and one per process, filled from the
 * kernel model's state each time one is handed out: a user thread's
 * process is its scenario process (its pid and name, its credential); a
 * kernel thread's, a callout's or a taskqueue's is proc0 (pid 0,
 * "kernel"). td_tid is PID_MAX + 1 + the kernel model's thread id, as
 * FreeBSD numbers threads above the pids. Only the fields below are
 * modelled (others do not compile); writing into a record is the
 * driver's own business and does not change the kernel model.
 */
#ifndef _KS_FREEBSD_SYS_PROC_H
#define _KS_FREEBSD_SYS_PROC_H

#include <sys/param.h>
#include <sys/types.h>
#include <sys/systm.h>
#include <sys/lock.h>
#include <sys/mutex.h>
#include <sys/ucred.h>

#define PID_MAX		99999
#define NO_PID		100000

typedef int32_t lwpid_t;

/* p_flag */
#define P_KPROC		0x00004	/* a kernel process */
#define P_SYSTEM	0x00200	/* a system process: no signals, no swap */

enum p_states { PRS_NEW = 0, PRS_NORMAL, PRS_ZOMBIE };

struct proc {
	struct ucred	*p_ucred;
	int		p_flag;
	enum p_states	p_state;
	pid_t		p_pid;
	char		p_comm[MAXCOMLEN + 1];
	struct mtx	p_mtx;	/* PROC_LOCK's (through ks_fb_proc_mtx: made at first use) */
};

struct thread {
	struct proc	*td_proc;
	lwpid_t		td_tid;
	int		td_flags;
	int		td_pflags;
	struct ucred	*td_ucred;
	char		td_name[MAXCOMLEN + 1];
};

#ifdef __cplusplus
extern "C" {
#endif
struct proc *ks_fb_proc0(void);
struct mtx *ks_fb_proc_mtx(struct proc *);	/* p_mtx, made at its first use */
#ifdef __cplusplus
}
#endif

/* The process lock guards nothing of the model's (the record is rewritten
 * at each hand-out), but it is a real mtx: taking it orders, blocks and
 * is checked as FreeBSD's p_mtx is (no sleeping while it is held). */
#define PROC_LOCK(p)		mtx_lock(ks_fb_proc_mtx(p))
#define PROC_TRYLOCK(p)		mtx_trylock(ks_fb_proc_mtx(p))
#define PROC_UNLOCK(p)		mtx_unlock(ks_fb_proc_mtx(p))
#define PROC_LOCKED(p)		mtx_owned(ks_fb_proc_mtx(p))
#define PROC_LOCK_ASSERT(p, type) mtx_assert(ks_fb_proc_mtx(p), (type))

#define curproc	(curthread->td_proc)
/* proc0 is an lvalue, as FreeBSD's global is (&proc0 names it) */
#define proc0	(*ks_fb_proc0())

#endif
