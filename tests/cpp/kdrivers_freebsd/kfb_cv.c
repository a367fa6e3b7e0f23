/* condvar(9) and sx(9) behaviours and misuses (see kfb.h). */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/lock.h>
#include <sys/mutex.h>
#include <sys/condvar.h>
#include <sys/sx.h>
#include <sys/malloc.h>
#include <sys/kernsim.h>
#include <errno.h>
#include <string.h>

#include "kfb.h"
#include "kfb_state.h"

struct kfb_state kfb;
MALLOC_DEFINE(M_KFB, "kfb", "kernsim FreeBSD test drivers");

void kfb_init(void) {
	memset(&kfb, 0, sizeof(kfb));
	memset(&kfb_log, 0, sizeof(kfb_log));
	kfb_destroy_from_ioctl = 0;
	mtx_init(&kfb.a, "kfb_a", NULL, MTX_DEF);
	mtx_init(&kfb.b, "kfb_b", NULL, MTX_DEF);
	mtx_init(&kfb.spin, "kfb_spin", NULL, MTX_SPIN);
	mtx_init(&kfb.rec, "kfb_rec", NULL, MTX_DEF | MTX_RECURSE);
	cv_init(&kfb.cv, "kfb done");
	sx_init(&kfb.sx, "kfb_sx");
	sx_init_flags(&kfb.sxr, "kfb_sxr", SX_RECURSE);
}

/* The bug this personality exists to find: no state check before sleeping. */
void kfb_cv_waiter_nocheck(void *arg) {
	(void)arg;
	mtx_lock(&kfb.a);
	cv_wait(&kfb.cv, &kfb.a);
	mtx_unlock(&kfb.a);
	kfb_note(1);
}

void kfb_cv_waiter(void *arg) {
	(void)arg;
	mtx_lock(&kfb.a);
	while (!kfb.done)
		cv_wait(&kfb.cv, &kfb.a);
	mtx_unlock(&kfb.a);
	kfb_note(1);
}

void kfb_cv_signaler(void *arg) {
	(void)arg;
	mtx_lock(&kfb.a);
	kfb.done = 1;
	cv_signal(&kfb.cv);
	mtx_unlock(&kfb.a);
}

void kfb_cv_timedwait(void *arg) {
	(void)arg;
	mtx_lock(&kfb.a);
	int t0 = ticks;
	int error = cv_timedwait(&kfb.cv, &kfb.a, hz / 100);	/* 10 ticks */
	kfb_note(error == EWOULDBLOCK);
	kfb_note(ticks - t0);
	mtx_unlock(&kfb.a);
}

void kfb_cv_wait_sig(void *arg) {
	(void)arg;
	mtx_lock(&kfb.a);
	int error = 0;
	while (!kfb.done && error == 0)
		error = cv_wait_sig(&kfb.cv, &kfb.a);
	kfb_note(error);
	kfb_note(mtx_owned(&kfb.a));	/* the interlock is held again */
	mtx_unlock(&kfb.a);
}

void kfb_sx_reader(void *arg) {
	(void)arg;
	sx_slock(&kfb.sx);
	sx_assert(&kfb.sx, SA_LOCKED);
	sx_assert(&kfb.sx, SA_SLOCKED);
	kfb.readers++;
	/* Let the other reader in: shared means both are inside at once. */
	for (int i = 0; i < 4 && kfb.readers < 2; i++)
		KS_PREEMPT();
	kfb_note(kfb.readers);
	kfb.readers--;
	sx_sunlock(&kfb.sx);
}

void kfb_sx_writer(void *arg) {
	(void)arg;
	sx_xlock(&kfb.sx);
	sx_assert(&kfb.sx, SA_XLOCKED);
	kfb_note(100 + kfb.readers);
	sx_xunlock(&kfb.sx);
}

void kfb_sx_x_then_s(void *arg) {
	(void)arg;
	sx_xlock(&kfb.sx);
	sx_slock(&kfb.sx);
}

void kfb_sx_recurse_ok(void *arg) {
	(void)arg;
	sx_xlock(&kfb.sxr);
	sx_xlock(&kfb.sxr);
	sx_assert(&kfb.sxr, SA_XLOCKED | SA_RECURSED);
	kfb_note(sx_try_xlock(&kfb.sxr));	/* the holder gets a recursable one again */
	sx_xunlock(&kfb.sxr);
	sx_xunlock(&kfb.sxr);
	sx_assert(&kfb.sxr, SA_XLOCKED | SA_NOTRECURSED);
	kfb_note(sx_xlocked(&kfb.sxr));
	sx_xunlock(&kfb.sxr);
	kfb_note(sx_xlocked(&kfb.sxr));
}

void kfb_sx_recursed_downgrade(void *arg) {
	(void)arg;
	sx_xlock(&kfb.sxr);
	sx_xlock(&kfb.sxr);
	sx_downgrade(&kfb.sxr);
}

void kfb_sx_assert_x(void *arg) {
	(void)arg;
	sx_slock(&kfb.sx);
	sx_assert(&kfb.sx, SA_XLOCKED);
}
