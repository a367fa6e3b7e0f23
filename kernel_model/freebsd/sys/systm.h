/*
 * FreeBSD <sys/systm.h>: panic, KASSERT (on: drivers run as an INVARIANTS
 * kernel), printf/log to the console, copyin/copyout/copyinstr (0 or
 * EFAULT, ENAMETOOLONG), curthread, hz and ticks on virtual time, pause,
 * sleep(9) (msleep, tsleep, wakeup: kernel_model/freebsd/sleep.cc), DELAY,
 * and (as FreeBSD's brings <machine/atomic.h>, <sys/callout.h> and
 * <sys/libkern.h>) atomic(9), callouts and the kernel's string functions.
 * Not the host's <stdio.h>:
 * its names (fopen, getc ...) are not the kernel's.
 */
#ifndef _KS_FREEBSD_SYS_SYSTM_H
#define _KS_FREEBSD_SYS_SYSTM_H

#include <sys/types.h>
#include <stdarg.h>
/* The host's, before the kernel's names below take over getenv & co. */
#include <stdlib.h>
#include <machine/atomic.h>
#include <sys/callout.h>
#include <sys/libkern.h>
#include <kernsim/abi.h>

#ifndef __predict_true
#define __predict_true(exp) __builtin_expect(!!(exp), 1)
#define __predict_false(exp) __builtin_expect(!!(exp), 0)
#endif
#ifndef __unused
#define __unused __attribute__((unused))
#endif
#ifndef __dead2
#define __dead2 __attribute__((noreturn))
#endif

#ifdef __cplusplus
extern "C" {
#endif

struct thread;
/* panic is ks_fb_panic: illumos has a panic too, and both link into one binary */
void ks_fb_panic(const char *, ...) __dead2 __attribute__((format(__printf__, 1, 2)));
int ks_fb_printf(const char *, ...) __attribute__((format(__printf__, 1, 2)));
struct thread *ks_fb_curthread(void);
/* securelevel(7) is -1, FreeBSD's default: securelevel_gt(cr, l) is EPERM
 * when -1 > l, securelevel_ge when -1 >= l, else 0 */
struct ucred;
int securelevel_gt(struct ucred *, int);
int securelevel_ge(struct ucred *, int);
int ks_fb_ticks(void);
extern int hz;
/* The CPU tick counter (sys/systm.h, kern_tc.c): a pointer to the ticker
 * function, counting the virtual clock's nanoseconds (cpu_tickrate() is
 * 10^9), so it is monotonic and the same in every run. */
typedef uint64_t (cpu_tick_f)(void);
extern cpu_tick_f *cpu_ticks;
uint64_t cpu_tickrate(void);
uint64_t cputick2usec(uint64_t);
/* log(9): the console with a syslog priority; vprintf/vlog the va_list forms */
void ks_fb_log(int, const char *, ...) __attribute__((format(__printf__, 2, 3)));
void ks_fb_vlog(int, const char *, va_list) __attribute__((format(__printf__, 2, 0)));
int ks_fb_vprintf(const char *, va_list) __attribute__((format(__printf__, 1, 0)));
/* pause(9): sleeps timo ticks (at least one); EWOULDBLOCK when it ran out */
int ks_fb_pause(const char *, int, int);
/* sleep(9): 0 when woken, EWOULDBLOCK after timo ticks (0: none), EINTR
 * with PCATCH on a signal; msleep's mtx is the interlock (NULL: tsleep) */
struct mtx;
int ks_fb_msleep(const void *, struct mtx *, int, const char *, int, const char *);
int ks_fb_tsleep(const void *, int, const char *, int);
/* the _sbt forms: an sbintime_t timeout, relative unless C_ABSOLUTE */
int ks_fb_msleep_sbt(const void *, struct mtx *, int, const char *, sbintime_t, sbintime_t,
    int, const char *);
int ks_fb_pause_sbt(const char *, sbintime_t, sbintime_t, int);
void ks_fb_wakeup(const void *, int);
/* DELAY(9): a busy wait, a scheduling point that neither sleeps nor moves
 * virtual time (only sleeps advance it) */
void ks_fb_delay(int);
/* what a cdevsw without d_poll answers (kernel_model/freebsd/select.cc) */
int poll_no_poll(int events);
/* the kernel environment (getenv(9)): empty, see kernel_model/freebsd/kenv.cc */
char *ks_fb_getenv(const char *);
void ks_fb_freeenv(char *);
int ks_fb_testenv(const char *);
int ks_fb_setenv(const char *, const char *);
int ks_fb_unsetenv(const char *);
int ks_fb_getenv_int(const char *, int *);
int ks_fb_getenv_uint(const char *, unsigned *);
int ks_fb_getenv_long(const char *, long *);
int ks_fb_getenv_ulong(const char *, unsigned long *);
int ks_fb_getenv_quad(const char *, int64_t *);
int ks_fb_getenv_string(const char *, char *, int);
int ks_fb_getenv_bool(const char *, bool *);
bool ks_fb_getenv_is_true(const char *);
bool ks_fb_getenv_is_false(const char *);
/* unr(9), unit numbers (kernel_model/freebsd/unr.cc): lowest free first,
 * -1 when none is left; a NULL mutex means the kernel's own */
struct unrhdr;
struct unrhdr *new_unrhdr(int low, int high, struct mtx *mutex);
void delete_unrhdr(struct unrhdr *);
void clear_unrhdr(struct unrhdr *);
void clean_unrhdr(struct unrhdr *);
void clean_unrhdrl(struct unrhdr *);
int alloc_unr(struct unrhdr *);
int alloc_unrl(struct unrhdr *);
int alloc_unr_specific(struct unrhdr *, u_int item);
void free_unr(struct unrhdr *, u_int item);
/* the C library's, with the kernel's meaning */
int snprintf(char *, size_t, const char *, ...) __attribute__((format(__printf__, 3, 4)));
int vsnprintf(char *, size_t, const char *, va_list) __attribute__((format(__printf__, 3, 0)));
int sprintf(char *, const char *, ...) __attribute__((format(__printf__, 2, 3)));
int vsprintf(char *, const char *, va_list) __attribute__((format(__printf__, 2, 0)));

#ifdef __cplusplus
}
#endif

/* unr64 (FreeBSD's sys/systm.h, read): a 64-bit counter, never freed
 * back; alloc_unr64 is an atomic fetch-and-add of one (LP64), so two
 * threads never get one number. */
struct unrhdr64 {
	uint64_t counter;
};
static inline void new_unrhdr64(struct unrhdr64 *unr64, uint64_t low)
{ unr64->counter = low; }
static inline uint64_t alloc_unr64(struct unrhdr64 *unr64)
{ return atomic_fetchadd_64(&unr64->counter, 1); }

/* msg is a parenthesised printf argument list: KASSERT(x, ("bad %d", y)). */
#define KASSERT(exp, msg) do {					\
	if (__predict_false(!(exp)))				\
		panic msg;					\
} while (0)
#define MPASS(ex) \
	KASSERT((ex), ("Assertion %s failed at %s:%d", #ex, __FILE__, __LINE__))
#define CTASSERT(x) _Static_assert((x), #x)

#define panic ks_fb_panic
#define printf ks_fb_printf
#define vprintf ks_fb_vprintf
/* log and pause are macros for the reason panic is: the host C library has
 * functions of these names with other meanings (log(3), pause(2)) */
#define log ks_fb_log
#define vlog ks_fb_vlog
#define pause(wmesg, timo) ks_fb_pause((wmesg), (timo), 0)
#define pause_sig(wmesg, timo) ks_fb_pause((wmesg), (timo), 1)
#define DELAY(usec) ks_fb_delay(usec)
#define msleep(chan, mtx, pri, wmesg, timo) \
	ks_fb_msleep((chan), (mtx), (pri), (wmesg), (timo), #mtx)
#define msleep_spin(chan, mtx, wmesg, timo) \
	ks_fb_msleep((chan), (mtx), 0, (wmesg), (timo), #mtx)
#define tsleep(chan, pri, wmesg, timo) ks_fb_tsleep((chan), (pri), (wmesg), (timo))
#define msleep_sbt(chan, mtx, pri, wmesg, bt, pr, flags) \
	ks_fb_msleep_sbt((chan), (mtx), (pri), (wmesg), (bt), (pr), (flags), #mtx)
#define tsleep_sbt(chan, pri, wmesg, bt, pr, flags) \
	ks_fb_msleep_sbt((chan), NULL, (pri), (wmesg), (bt), (pr), (flags), "tsleep_sbt")
#define pause_sbt(wmesg, bt, pr, flags) ks_fb_pause_sbt((wmesg), (bt), (pr), (flags))
/* uprintf(9) writes on the process's terminal: here the console */
#define uprintf ks_fb_printf
#define wakeup(chan) ks_fb_wakeup((chan), 0)
#define wakeup_one(chan) ks_fb_wakeup((chan), 1)
/* the host's getenv and setenv are the process's environment: not these */
#define getenv ks_fb_getenv
#define kern_getenv ks_fb_getenv
#define freeenv ks_fb_freeenv
#define testenv ks_fb_testenv
#define setenv ks_fb_setenv
#define kern_setenv ks_fb_setenv
#define unsetenv ks_fb_unsetenv
#define kern_unsetenv ks_fb_unsetenv
#define getenv_int ks_fb_getenv_int
#define getenv_uint ks_fb_getenv_uint
#define getenv_long ks_fb_getenv_long
#define getenv_ulong ks_fb_getenv_ulong
#define getenv_quad ks_fb_getenv_quad
#define getenv_string ks_fb_getenv_string
#define getenv_bool ks_fb_getenv_bool
#define getenv_is_true ks_fb_getenv_is_true
#define getenv_is_false ks_fb_getenv_is_false
#define curthread ks_fb_curthread()
#define ticks ks_fb_ticks()

static inline int
copyin(const void *udaddr, void *kaddr, size_t len)
{
	return (ks_copyin((uint64_t)(uintptr_t)udaddr, kaddr, len));
}

static inline int
copyout(const void *kaddr, void *udaddr, size_t len)
{
	return (ks_copyout(kaddr, (uint64_t)(uintptr_t)udaddr, len));
}

static inline int
copyinstr(const void *udaddr, void *kaddr, size_t len, size_t *done)
{
	return (ks_copyinstr((uint64_t)(uintptr_t)udaddr, (char *)kaddr, len, done));
}

#endif
