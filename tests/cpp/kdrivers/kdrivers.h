/* Tiny C "drivers" that provoke one behaviour each, for the C++ tests. */
#ifndef KS_TEST_KDRIVERS_H
#define KS_TEST_KDRIVERS_H

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
