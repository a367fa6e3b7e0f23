/* PROC_LOCK and made credentials (crget, crdup, crcopy): see kfb.h. */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/lock.h>
#include <sys/mutex.h>
#include <sys/malloc.h>
#include <sys/proc.h>
#include <sys/ucred.h>
#include <sys/priv.h>
#include <sys/kernsim.h>

#include "kfb.h"
#include "kfb_state.h"

void kfb_proc_lock_count(void *arg) {
	struct proc *p = curproc;
	(void)arg;
	PROC_LOCK(p);
	PROC_LOCK_ASSERT(p, MA_OWNED);
	int v = kfb.count;
	KS_PREEMPT();	/* the other thread of the process must not get in */
	kfb.count = v + 1;
	if (kfb.count == 2)
		kfb_note(kfb.count);
	PROC_UNLOCK(p);
}

void kfb_proc_lock_sleeps(void *arg) {
	(void)arg;
	PROC_LOCK(curproc);
	void *m = malloc(16, M_KFB, M_WAITOK);	/* p_mtx is an mtx: no sleeping */
	free(m, M_KFB);
	PROC_UNLOCK(curproc);
}

void kfb_crdup_cycle(void *arg) {
	(void)arg;
	struct ucred *cr = crdup(curthread->td_ucred);
	kfb_note(cr->cr_uid);
	kfb_note(cr->cr_ref);
	kfb_note(cr != curthread->td_ucred);
	crhold(cr);
	kfb_note(cr->cr_ref);
	crfree(cr);
	kfb_note(priv_check_cred(cr, PRIV_DRIVER));
	crfree(cr);	/* the last: freed */
}

void kfb_crdup_leak(void *arg) {
	(void)arg;
	(void)crdup(curthread->td_ucred);
}

void kfb_crcopy_shared(void *arg) {
	(void)arg;
	struct ucred *cr = crget();
	crhold(cr);
	crcopy(cr, curthread->td_ucred);	/* FreeBSD KASSERTs cr_ref == 1 */
}
