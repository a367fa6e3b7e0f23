/* Scenarios whose interleavings can be counted by hand (test_dfs.cc). */
#ifndef KS_TEST_DFS_COUNT_H
#define KS_TEST_DFS_COUNT_H

#include <sys/ksynch.h>

#ifdef __cplusplus
extern "C" {
#endif

struct dc_state {
	int dc_k;           /* points (or critical sections) per thread */
	int dc_shared;      /* dc_locked: both threads use dc_lock[0] */
	kmutex_t dc_lock[2];
	int dc_count;
};
void dc_init(struct dc_state *);
/* k bare preemption points (no object: independent of everything). */
void dc_points_a(void *);
void dc_points_b(void *);
/* k critical sections on the thread's own lock, or on a shared one. */
void dc_locked_a(void *);
void dc_locked_b(void *);

#ifdef __cplusplus
}
#endif

#endif
