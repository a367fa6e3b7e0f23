/*
 * streams_lp's ioctls (shared with scenarios and the fuzz description).
 *   LPSETOPTS  I_STR, struct lp_options in
 *   LPGETOPTS  I_STR, struct lp_options out (ic_len at least its size)
 *   LPSTATUS   TRANSPARENT: struct lp_status copied in (M_COPYIN), the
 *              driver's answer copied out (M_COPYOUT); laid out per the
 *              caller's data model (struct lp_status32 for ILP32)
 *   LPSLOW     I_STR, a uint32_t sequence number in; the printer acks it
 *              LP_SLOW_TICKS later with ioc_rval = that number; number
 *              0 it never acks (the ioctl times out; freed at close)
 */
#ifndef _LP_IO_H
#define _LP_IO_H

#include <sys/types.h>

#define LPIOC ('L' << 8)
#define LPSETOPTS (LPIOC | 1)
#define LPGETOPTS (LPIOC | 2)
#define LPSTATUS (LPIOC | 3)
#define LPSLOW (LPIOC | 4)

#define LP_SLOW_TICKS 200	/* 2 s of virtual time */
#define LP_MAXWIDTH 1024

struct lp_options {
	int32_t lo_width;	/* 1 .. LP_MAXWIDTH */
	int32_t lo_flags;
};

struct lp_status {
	int ls_req;		/* the caller's tag, echoed */
	long ls_jobs;		/* jobs printed on this stream */
};

struct lp_status32 {
	int32_t ls_req;
	int32_t ls_jobs;
};

#endif
