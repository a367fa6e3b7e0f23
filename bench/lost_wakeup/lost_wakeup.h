/*
 * The two-thread lost-wakeup test (lost_wakeup.c): what bench_core measures
 * and the C++ tests check, so the figures are of exactly what is tested.
 */
#ifndef KS_BENCH_LOST_WAKEUP_H
#define KS_BENCH_LOST_WAKEUP_H

#include <sys/ksynch.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { LW_UNCHECKED = 0, LW_CHECKED = 1, LW_WINDOW = 2 };

struct lw_state {
	kmutex_t lw_lock;
	kcondvar_t lw_cv;
	int lw_done;
	int lw_checked; /* LW_* */
	int lw_pad;
};
void lw_init(struct lw_state *);
void lw_waiter(void *);
void lw_signaller(void *);

#ifdef __cplusplus
}
#endif

#endif
