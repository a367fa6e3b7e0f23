/*
 * illumos <sys/time.h>: the host's struct timeval and timespec, plus what
 * the illumos kernel's header adds for drivers: the units (NANOSEC ...),
 * their conversions, the tick conversions at hz = 100 (MSEC_TO_TICK
 * truncates, the _ROUNDUP forms round up, as on illumos, where 10 ms is a
 * tick), and the date as a timestruc_t (gethrestime, virtual time).
 */
#ifndef _KS_ILLUMOS_SYS_TIME_H
#define _KS_ILLUMOS_SYS_TIME_H

#include_next <sys/time.h>
#include <sys/types.h>
#include <sys/time_illumos.h>

#define SEC 1
#define MILLISEC 1000
#define MICROSEC 1000000
#define NANOSEC 1000000000

#define MSEC2NSEC(m) ((hrtime_t)(m) * (NANOSEC / MILLISEC))
#define NSEC2MSEC(n) ((n) / (NANOSEC / MILLISEC))
#define USEC2NSEC(m) ((hrtime_t)(m) * (NANOSEC / MICROSEC))
#define NSEC2USEC(n) ((n) / (NANOSEC / MICROSEC))
#define NSEC2SEC(n) ((n) / (NANOSEC / SEC))
#define SEC2NSEC(m) ((hrtime_t)(m) * (NANOSEC / SEC))

/* per tick at hz = 100 */
#define msec_per_tick (MILLISEC / hz)
#define usec_per_tick (MICROSEC / hz)
#define nsec_per_tick (NANOSEC / hz)

#define TICK_TO_SEC(tick) ((tick) / hz)
#define SEC_TO_TICK(sec) ((sec) * hz)
#define TICK_TO_MSEC(tick) ((tick) * msec_per_tick)
#define MSEC_TO_TICK(msec) ((msec) / msec_per_tick)
#define MSEC_TO_TICK_ROUNDUP(msec) ((msec) == 0 ? 0 : ((msec) - 1) / msec_per_tick + 1)
#define TICK_TO_USEC(tick) ((tick) * usec_per_tick)
#define USEC_TO_TICK(usec) ((usec) / usec_per_tick)
#define USEC_TO_TICK_ROUNDUP(usec) ((usec) == 0 ? 0 : USEC_TO_TICK((usec) - 1) + 1)
#define TICK_TO_NSEC(tick) ((hrtime_t)(tick) * nsec_per_tick)
#define NSEC_TO_TICK(nsec) ((nsec) / nsec_per_tick)
#define NSEC_TO_TICK_ROUNDUP(nsec) ((nsec) == 0 ? 0 : NSEC_TO_TICK((nsec) - 1) + 1)

#ifndef _KS_ILLUMOS_TIMESTRUC_T
#define _KS_ILLUMOS_TIMESTRUC_T
typedef struct timespec timestruc_t;
typedef struct timespec timespec_t;
#endif

#ifdef __cplusplus
extern "C" {
#endif
/* the virtual date: boot (KS_IL_BOOT_TIME in <sys/sunddi.h>) plus uptime */
extern void gethrestime(timestruc_t *);
extern time_t gethrestime_sec(void);
#ifdef __cplusplus
}
#endif

#endif
