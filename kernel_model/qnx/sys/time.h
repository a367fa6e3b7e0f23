/*
 * The host's <sys/time.h>, with gettimeofday on the virtual clock (see
 * <time.h>).
 */
#ifndef _KS_QNX_SYS_TIME_H
#define _KS_QNX_SYS_TIME_H

#include_next <sys/time.h>
#include <time.h>

int ks_qnx_gettimeofday(struct timeval *tv, void *tz);
#define gettimeofday(_tv, _tz) ks_qnx_gettimeofday((_tv), (_tz))

#endif
