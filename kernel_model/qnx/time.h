/*
 * The host's <time.h>, with the clocks and sleeps a resource manager calls
 * on the virtual clock: the host's would read the host's time (no two runs
 * alike) and sleep the host thread. CLOCK_REALTIME counts from the virtual
 * date of boot, KS_BOOT_TIME (kernsim/abi.h, every personality's);
 * CLOCK_MONOTONIC from boot.
 */
#ifndef _KS_QNX_TIME_H
#define _KS_QNX_TIME_H

#include_next <time.h>


int ks_qnx_clock_gettime(clockid_t clk, struct timespec *ts);
int ks_qnx_clock_getres(clockid_t clk, struct timespec *res);
time_t ks_qnx_time(time_t *t);
int ks_qnx_nanosleep(const struct timespec *req, struct timespec *rem);
#define clock_gettime(_c, _ts) ks_qnx_clock_gettime((_c), (_ts))
#define clock_getres(_c, _ts) ks_qnx_clock_getres((_c), (_ts))
#define time(_t) ks_qnx_time(_t)
#define nanosleep(_req, _rem) ks_qnx_nanosleep((_req), (_rem))

#endif
