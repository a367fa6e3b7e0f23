/*
 * illumos clock ticks: hz is 100, a tick is 10 ms of virtual time. (Not a
 * real illumos header name: the host's <sys/time.h> stays the host's.)
 */
#ifndef _KS_ILLUMOS_SYS_TIME_ILLUMOS_H
#define _KS_ILLUMOS_SYS_TIME_ILLUMOS_H

#include <sys/types.h>
#include <kernsim/abi.h>

#define hz 100
#define KS_NS_PER_TICK 10000000ULL

static inline clock_t ddi_get_lbolt(void) { return (clock_t)(ks_now_ns() / KS_NS_PER_TICK); }
static inline int64_t ddi_get_lbolt64(void) { return (int64_t)(ks_now_ns() / KS_NS_PER_TICK); }
static inline clock_t drv_usectohz(clock_t us) { return (clock_t)((us + 9999) / 10000); }
static inline clock_t drv_hztousec(clock_t t) { return t * 10000; }
static inline hrtime_t gethrtime(void) { return (hrtime_t)ks_now_ns(); }

#endif
