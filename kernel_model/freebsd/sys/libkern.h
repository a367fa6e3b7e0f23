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
/* The kernel's strdup family: a copy in malloc(9) memory of the type given
 * (M_WAITOK; strdup_flags takes the flags, M_NOWAIT may give NULL). */
struct malloc_type;
char *ks_fb_strdup_flags(const char *, struct malloc_type *, int);
char *ks_fb_strndup(const char *, size_t, struct malloc_type *);
/*
 * random(9): pseudo-random numbers from a generator each World starts from
 * the same seed, so a run replays exactly (the host's would not). They are
 * not a recorded choice: exploration does not vary them.
 */
u_long ks_fb_random(void);
void ks_fb_srandom(u_long);
uint32_t ks_fb_arc4random(void);
void ks_fb_arc4rand(void *, u_int, int);
void ks_fb_arc4random_buf(void *, size_t);
uint32_t ks_fb_arc4random_uniform(uint32_t);
#ifdef __cplusplus
}
#endif

/* (the host's C library has arc4random_buf and arc4random_uniform too:
 * without these names a driver would draw the host's entropy) */
#define random ks_fb_random
#define srandom ks_fb_srandom
#define arc4random ks_fb_arc4random
#define arc4rand ks_fb_arc4rand
#define arc4random_buf ks_fb_arc4random_buf
#define arc4random_uniform ks_fb_arc4random_uniform
#define strdup(s, type) ks_fb_strdup_flags((s), (type), 0x0002 /* M_WAITOK */)
#define strdup_flags ks_fb_strdup_flags
#define strndup ks_fb_strndup

#endif
