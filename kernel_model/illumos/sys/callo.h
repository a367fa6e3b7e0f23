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

#endif
