/*
 * FreeBSD <sys/time.h>: the host's (struct timeval, struct timespec) plus
 * the kernel's clocks and sbintime_t conversions, all on virtual time. The
 * uptime clocks count from the World's boot; the calendar clocks add the
 * virtual date of boot, KS_FB_BOOT_TIME (2026-01-01T00:00:00Z). The get*
 * forms ("cheaper, less precise" on FreeBSD) read the same virtual clock.
 */
#ifndef _KS_FREEBSD_SYS_TIME_H
#define _KS_FREEBSD_SYS_TIME_H

#include_next <sys/time.h>
#include <sys/types.h>
#include <kernsim/abi.h>

#define KS_FB_BOOT_TIME KS_BOOT_TIME

#define SBT_1S ((sbintime_t)1 << 32)
#define SBT_1M (SBT_1S * 60)
#define SBT_1MS (SBT_1S / 1000)
#define SBT_1US (SBT_1S / 1000000)
#define SBT_1NS (SBT_1S / 1000000000)
#define SBT_MAX 0x7fffffffffffffffLL

static inline int64_t sbttons(sbintime_t s)
{ return (int64_t)(((__int128)s * 1000000000) >> 32); }
static inline int64_t sbttous(sbintime_t s) { return sbttons(s) / 1000; }
static inline int64_t sbttoms(sbintime_t s) { return sbttons(s) / 1000000; }
static inline sbintime_t nstosbt(int64_t ns)
{ return (sbintime_t)(((__int128)ns << 32) / 1000000000); }
static inline sbintime_t ustosbt(int64_t us) { return nstosbt(us * 1000); }
static inline sbintime_t mstosbt(int64_t ms) { return nstosbt(ms * 1000000); }
static inline sbintime_t tvtosbt(struct timeval tv)
{ return ((sbintime_t)tv.tv_sec << 32) + ustosbt(tv.tv_usec); }
static inline sbintime_t tstosbt(struct timespec ts)
{ return ((sbintime_t)ts.tv_sec << 32) + nstosbt(ts.tv_nsec); }
static inline struct timeval sbttotv(sbintime_t s)
{ struct timeval tv; tv.tv_sec = s >> 32; tv.tv_usec = sbttous(s & 0xffffffffLL); return tv; }
static inline struct timespec sbttots(sbintime_t s)
{ struct timespec ts; ts.tv_sec = s >> 32; ts.tv_nsec = sbttons(s & 0xffffffffLL); return ts; }
static inline int sbintime_getsec(sbintime_t s) { return (int)(s >> 32); }

static inline sbintime_t sbinuptime(void) { return nstosbt((int64_t)ks_now_ns()); }
static inline sbintime_t getsbinuptime(void) { return sbinuptime(); }
static inline void nanouptime(struct timespec *ts)
{ uint64_t n = ks_now_ns(); ts->tv_sec = n / 1000000000; ts->tv_nsec = n % 1000000000; }
static inline void microuptime(struct timeval *tv)
{ uint64_t n = ks_now_ns(); tv->tv_sec = n / 1000000000; tv->tv_usec = (n % 1000000000) / 1000; }
static inline void getnanouptime(struct timespec *ts) { nanouptime(ts); }
static inline void getmicrouptime(struct timeval *tv) { microuptime(tv); }
static inline void nanotime(struct timespec *ts)
{ nanouptime(ts); ts->tv_sec += KS_FB_BOOT_TIME; }
static inline void microtime(struct timeval *tv)
{ microuptime(tv); tv->tv_sec += KS_FB_BOOT_TIME; }
static inline void getnanotime(struct timespec *ts) { nanotime(ts); }
static inline void getmicrotime(struct timeval *tv) { microtime(tv); }

/* A bintime: seconds and a binary fraction of one (2^-64 s). */
struct bintime {
	time_t sec;
	uint64_t frac;
};
static inline void binuptime(struct bintime *bt)
{
	uint64_t n = ks_now_ns();
	bt->sec = (time_t)(n / 1000000000);
	bt->frac = (uint64_t)(((unsigned __int128)(n % 1000000000) << 64) / 1000000000);
}
static inline void getbinuptime(struct bintime *bt) { binuptime(bt); }
static inline void bintime(struct bintime *bt) { binuptime(bt); bt->sec += KS_FB_BOOT_TIME; }
static inline void getbintime(struct bintime *bt) { bintime(bt); }
static inline void bintime2timespec(const struct bintime *bt, struct timespec *ts)
{
	ts->tv_sec = bt->sec;
	ts->tv_nsec = (long)(((unsigned __int128)bt->frac * 1000000000) >> 64);
}
static inline void bintime2timeval(const struct bintime *bt, struct timeval *tv)
{
	tv->tv_sec = bt->sec;
	tv->tv_usec = (long)(((unsigned __int128)bt->frac * 1000000) >> 64);
}
static inline sbintime_t bttosbt(const struct bintime bt)
{ return ((sbintime_t)bt.sec << 32) + (sbintime_t)(bt.frac >> 32); }
static inline struct bintime sbttobt(sbintime_t s)
{ struct bintime bt; bt.sec = s >> 32; bt.frac = (uint64_t)s << 32; return bt; }

/* time_second and time_uptime are variables on FreeBSD; reading them works */
#define time_uptime ((time_t)(ks_now_ns() / 1000000000))
#define time_second ((time_t)(KS_FB_BOOT_TIME + (int64_t)(ks_now_ns() / 1000000000)))

#ifdef __cplusplus
extern "C" {
#endif
/* one tick as an sbintime_t: SBT_1S / hz (subr_param.c) */
extern sbintime_t tick_sbt;
/* the ticks (hz) a timeval lasts, rounded up, at least 1 */
int tvtohz(struct timeval *);
/* rate limits for messages (ratecheck(9)) */
int ratecheck(struct timeval *, const struct timeval *);
int eventratecheck(struct timeval *, int *, int);
#ifdef __cplusplus
}
#endif
#define ppsratecheck(t, c, m) eventratecheck(t, c, m)

#endif
