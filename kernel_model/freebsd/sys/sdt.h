/*
 * FreeBSD <sys/sdt.h>: statically defined DTrace probes. No DTrace consumer
 * ever enables one here, so each probe site costs what a disabled probe
 * costs on FreeBSD: nothing, and its arguments are not evaluated.
 */
#ifndef _KS_FREEBSD_SYS_SDT_H
#define _KS_FREEBSD_SYS_SDT_H

#define SDT_PROVIDER_DEFINE(prov)
#define SDT_PROVIDER_DECLARE(prov)
#define SDT_PROBE_DEFINE(prov, mod, func, name)
#define SDT_PROBE_DECLARE(prov, mod, func, name)
#define SDT_PROBE_DEFINE0(prov, mod, func, name)
#define SDT_PROBE_DEFINE1(prov, mod, func, name, a0)
#define SDT_PROBE_DEFINE2(prov, mod, func, name, a0, a1)
#define SDT_PROBE_DEFINE3(prov, mod, func, name, a0, a1, a2)
#define SDT_PROBE_DEFINE4(prov, mod, func, name, a0, a1, a2, a3)
#define SDT_PROBE_DEFINE5(prov, mod, func, name, a0, a1, a2, a3, a4)
#define SDT_PROBE_DEFINE6(prov, mod, func, name, a0, a1, a2, a3, a4, a5)
#define SDT_PROBE0(prov, mod, func, name) do { } while (0)
#define SDT_PROBE1(prov, mod, func, name, a0) do { } while (0)
#define SDT_PROBE2(prov, mod, func, name, a0, a1) do { } while (0)
#define SDT_PROBE3(prov, mod, func, name, a0, a1, a2) do { } while (0)
#define SDT_PROBE4(prov, mod, func, name, a0, a1, a2, a3) do { } while (0)
#define SDT_PROBE5(prov, mod, func, name, a0, a1, a2, a3, a4) do { } while (0)
#define SDT_PROBE6(prov, mod, func, name, a0, a1, a2, a3, a4, a5) do { } while (0)

#endif
