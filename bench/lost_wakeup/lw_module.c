/*
 * The two-thread lost-wakeup test (lost_wakeup.c) built
 * as a driver module, so bench_core can measure the same executions with
 * the driver loaded from a module (its data restored before every World)
 * against the driver linked into the binary. The entry points reach the
 * bench through the registration's module pointer.
 */
#include "lost_wakeup.c"

struct lw_entry {
	void (*init)(struct lw_state *);
	void (*waiter)(void *);
	void (*signaller)(void *);
};

static const struct lw_entry bench_lw_entry = { lw_init, lw_waiter, lw_signaller };

/* Driver data the size of the shipped drivers' (136-392 bytes), restored
 * before every World. */
char bench_lw_data[512] = { 1 };

int _init(void) { bench_lw_data[1]++; return (bench_lw_data[0] - 1); }
int _fini(void) { return (0); }

__attribute__((visibility("default")))
const struct ks_driver_desc ks_module = {
	"bench_lw", "illumos", 0, _init, _fini, (void *)&bench_lw_entry, KS_ABI_VERSION
};
