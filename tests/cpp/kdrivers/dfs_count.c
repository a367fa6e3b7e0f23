/*
 * Two threads whose interleavings the DFS tests count by hand: k bare
 * KS_PREEMPT points each, or k critical sections each on a private lock
 * (all independent: DPOR needs one interleaving) or on a shared lock.
 */
#include <sys/types.h>
#include <sys/ksynch.h>
#include <sys/mutex.h>
#include <sys/kernsim.h>

#include "dfs_count.h"

void dc_init(struct dc_state *s) {
	mutex_init(&s->dc_lock[0], NULL, MUTEX_DEFAULT, NULL);
	mutex_init(&s->dc_lock[1], NULL, MUTEX_DEFAULT, NULL);
	s->dc_count = 0;
}

static void points(struct dc_state *s) {
	for (int i = 0; i < s->dc_k; i++)
		KS_PREEMPT();
}

void dc_points_a(void *arg) { points(arg); }
void dc_points_b(void *arg) { points(arg); }

static void locked(struct dc_state *s, int which) {
	kmutex_t *l = &s->dc_lock[s->dc_shared ? 0 : which];
	for (int i = 0; i < s->dc_k; i++) {
		mutex_enter(l);
		s->dc_count++;
		mutex_exit(l);
	}
}

void dc_locked_a(void *arg) { locked(arg, 0); }
void dc_locked_b(void *arg) { locked(arg, 1); }
