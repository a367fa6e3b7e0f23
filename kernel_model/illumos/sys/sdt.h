/*
 * illumos <sys/sdt.h>: statically defined DTrace probes. No DTrace consumer
 * ever enables one here, so a probe site is what a disabled probe is on
 * illumos: nothing fires. Its arguments are still evaluated, as on illumos,
 * where the site is a call (each argument cast to uintptr_t) that the
 * kernel's linker turns into no-ops: a side effect in an argument happens,
 * and an argument that is no scalar is refused as it would be there.
 */
#ifndef _KS_ILLUMOS_SYS_SDT_H
#define _KS_ILLUMOS_SYS_SDT_H

#include <sys/types.h>

#define KS_SDT_ARG(a) ((void)(uintptr_t)(a))

#define DTRACE_PROBE(name) do { } while (0)
#define DTRACE_PROBE1(name, t1, a1) do { KS_SDT_ARG(a1); } while (0)
#define DTRACE_PROBE2(name, t1, a1, t2, a2) do { KS_SDT_ARG(a1); KS_SDT_ARG(a2); } while (0)
#define DTRACE_PROBE3(name, t1, a1, t2, a2, t3, a3) \
	do { KS_SDT_ARG(a1); KS_SDT_ARG(a2); KS_SDT_ARG(a3); } while (0)
#define DTRACE_PROBE4(name, t1, a1, t2, a2, t3, a3, t4, a4) \
	do { KS_SDT_ARG(a1); KS_SDT_ARG(a2); KS_SDT_ARG(a3); KS_SDT_ARG(a4); } while (0)
#define DTRACE_PROBE5(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5) \
	do { DTRACE_PROBE4(name, t1, a1, t2, a2, t3, a3, t4, a4); KS_SDT_ARG(a5); } while (0)
#define DTRACE_PROBE6(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6) \
	do { DTRACE_PROBE5(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5); KS_SDT_ARG(a6); } while (0)
#define DTRACE_PROBE7(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6, t7, a7) \
	do { DTRACE_PROBE6(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6); \
	KS_SDT_ARG(a7); } while (0)
#define DTRACE_PROBE8(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6, t7, a7, \
	t8, a8) do { DTRACE_PROBE7(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6, \
	t7, a7); KS_SDT_ARG(a8); } while (0)

/* The providers' shorthands drivers use: probes of the sdt provider. */
#define DTRACE_IO(name) DTRACE_PROBE(__io_##name)
#define DTRACE_IO1(name, t1, a1) DTRACE_PROBE1(__io_##name, t1, a1)
#define DTRACE_IO2(name, t1, a1, t2, a2) DTRACE_PROBE2(__io_##name, t1, a1, t2, a2)
#define DTRACE_IO3(name, t1, a1, t2, a2, t3, a3) \
	DTRACE_PROBE3(__io_##name, t1, a1, t2, a2, t3, a3)
#define DTRACE_IO4(name, t1, a1, t2, a2, t3, a3, t4, a4) \
	DTRACE_PROBE4(__io_##name, t1, a1, t2, a2, t3, a3, t4, a4)

#endif
