/* A loop with no scheduling point: only the hang watchdog can stop it. */
#include <sys/types.h>
#include <sys/ksynch.h>
#include <sys/mutex.h>

#include "failures.h"

/*
 * Waits for kf_flag under kf_a the wrong way: it spins on the flag with
 * the lock held and calls no kernel primitive, so nothing else ever runs
 * (the classic missing cv_wait).
 */
void kf_spin_no_point(void *arg) {
	struct kf_state *s = arg;
	mutex_enter(&s->kf_a);
	while (!s->kf_flag)
		continue;	/* kf_flag is volatile: a load per turn */
	mutex_exit(&s->kf_a);
}
