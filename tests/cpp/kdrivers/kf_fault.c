/* Driver code that would crash a host: a NULL dereference, a runaway recursion. */
#include <sys/types.h>

#include "failures.h"

void kf_null_deref(void *arg) {
	struct kf_state *s = arg;
	*s->kf_nullp = 1; /* kf_nullp is volatile: the compiler cannot see the NULL */
}

/* Non-zero stops the recursion; volatile so the compiler must recurse. */
static volatile int kf_depth_limit;

static int kf_recurse(int n) {
	volatile char frame[64];
	frame[n & 63] = (char)n;
	if (kf_depth_limit && n >= kf_depth_limit)
		return frame[n & 63];
	return kf_recurse(n + 1) + frame[(n + 1) & 63];
}

void kf_overflow(void *arg) {
	(void)arg;
	(void)kf_recurse(0);
}
