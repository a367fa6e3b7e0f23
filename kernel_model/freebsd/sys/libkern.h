/*
 * FreeBSD <sys/libkern.h> (brought by <sys/systm.h>): the kernel's small
 * arithmetic helpers and string functions. The string functions are the
 * host C library's (the same meaning), strlcpy/strlcat the kernel model's
 * where the host lacks them.
 */
#ifndef _KS_FREEBSD_SYS_LIBKERN_H
#define _KS_FREEBSD_SYS_LIBKERN_H

#include <sys/types.h>
#include <string.h>
#include <strings.h>
/* the host's, before random & co. below become the kernel's */
#include <stdlib.h>

static inline int imax(int a, int b) { return (a > b ? a : b); }
static inline int imin(int a, int b) { return (a < b ? a : b); }
static inline long lmax(long a, long b) { return (a > b ? a : b); }
static inline long lmin(long a, long b) { return (a < b ? a : b); }
static inline u_int max(u_int a, u_int b) { return (a > b ? a : b); }
static inline u_int min(u_int a, u_int b) { return (a < b ? a : b); }
static inline uint64_t qmax(uint64_t a, uint64_t b) { return (a > b ? a : b); }
static inline uint64_t qmin(uint64_t a, uint64_t b) { return (a < b ? a : b); }
static inline u_long ulmax(u_long a, u_long b) { return (a > b ? a : b); }
static inline u_long ulmin(u_long a, u_long b) { return (a < b ? a : b); }
static inline off_t omax(off_t a, off_t b) { return (a > b ? a : b); }
static inline off_t omin(off_t a, off_t b) { return (a < b ? a : b); }

/* fls: the 1-based index of the highest bit set, 0 for none (ffs is the
 * host's, the same meaning) */
static inline int fls(int m) { return m ? 32 - __builtin_clz((unsigned)m) : 0; }
static inline int flsl(long m) { return m ? 64 - __builtin_clzl((unsigned long)m) : 0; }
static inline int flsll(long long m) { return m ? 64 - __builtin_clzll((unsigned long long)m) : 0; }
#ifdef __cplusplus
extern "C" {
#endif
size_t strlcpy(char *, const char *, size_t);
size_t strlcat(char *, const char *, size_t);
/*
 * random(9): pseudo-random numbers from a generator each World starts from
 * the same seed, so a run replays exactly (the host's would not). They are
 * not a recorded choice: exploration does not vary them.
 */
u_long ks_fb_random(void);
void ks_fb_srandom(u_long);
uint32_t ks_fb_arc4random(void);
void ks_fb_arc4rand(void *, u_int, int);
#ifdef __cplusplus
}
#endif

#define random ks_fb_random
#define srandom ks_fb_srandom
#define arc4random ks_fb_arc4random
#define arc4rand ks_fb_arc4rand

#endif
