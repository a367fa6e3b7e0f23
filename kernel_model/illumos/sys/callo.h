/*
 * illumos <sys/callo.h>: the flags cv_timedwait_hires(9F) takes (a
 * deadline rounded up to the resolution, an absolute gethrtime() deadline).
 */
#ifndef _KS_ILLUMOS_SYS_CALLO_H
#define _KS_ILLUMOS_SYS_CALLO_H

#define CALLOUT_FLAG_ROUNDUP 0x1
#define CALLOUT_FLAG_ABSOLUTE 0x2
#define CALLOUT_FLAG_HRESTIME 0x4
#define CALLOUT_FLAG_32BIT 0x8

#include <sys/types.h>

/* timeout_generic's types (callo.h): both run as timeout(9F)'s callouts do */
#define CALLOUT_REALTIME 0
#define CALLOUT_NORMAL 1

typedef uint64_t callout_id_t;

#ifdef __cplusplus
extern "C" {
#endif
/* expiration: ns from now, or gethrtime()-absolute with
 * CALLOUT_FLAG_ABSOLUTE; aligned down to `resolution` (up with
 * CALLOUT_FLAG_ROUNDUP). untimeout_generic: the ns left when it cancelled
 * the callout (0 once due), -1 when it had run or runs (waited for unless
 * nowait; never from the callout itself). */
extern callout_id_t timeout_generic(int type, void (*func)(void *), void *arg,
    hrtime_t expiration, hrtime_t resolution, int flags);
extern hrtime_t untimeout_generic(callout_id_t id, int nowait);
#ifdef __cplusplus
}
#endif

#endif
