/*
 * streams_watch's own ioctl: WATCHLAST (I_STR, struct watch_last out)
 * reports the last ioctl whose ack the module matched, and its counts.
 */
#ifndef _WATCH_IO_H
#define _WATCH_IO_H

#include <sys/types.h>

#define WATCHIOC ('W' << 8)
#define WATCHLAST (WATCHIOC | 1)

struct watch_last {
	int32_t wl_cmd;		/* the matched ioctl's command */
	uint32_t wl_id;		/* ... its ioc_id */
	int32_t wl_rval;	/* ... its ioc_rval */
	int32_t wl_error;	/* ... its ioc_error (a NAK) */
	uint32_t wl_acks;	/* acks matched to the ioctl waited for */
	uint32_t wl_stale;	/* acks of no ioctl pending here, passed on */
};

#endif
