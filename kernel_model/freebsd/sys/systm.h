/*
 * FreeBSD <sys/systm.h>: panic, KASSERT (on: drivers run as an INVARIANTS
 * kernel), printf to the console, copyin/copyout/copyinstr (0 or EFAULT,
 * ENAMETOOLONG), curthread, hz and ticks on virtual time.
 */
#ifndef _KS_FREEBSD_SYS_SYSTM_H
#define _KS_FREEBSD_SYS_SYSTM_H

#include <sys/types.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
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
int ks_fb_ticks(void);
extern int hz;

#ifdef __cplusplus
}
#endif

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
