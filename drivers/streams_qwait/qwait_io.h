/*
 * streams_qwait's ioctl and its close-time request.
 * QWMODE (I_STR, an int32 in): what the module's close asks below.
 *   QW_ECHO     an M_PROTO request the driver below answers (streams_perim
 *               echoes M_PROTO); close waits with qwait(9F) for it.
 *   QW_NOREPLY  an M_CTL request nobody answers (streams_perim frees
 *               M_CTL); close waits with qwait_sig(9F), so only a signal
 *               ends the wait.
 */
#ifndef _QWAIT_IO_H
#define _QWAIT_IO_H

#include <sys/types.h>

#define QWIOC ('Q' << 8)
#define QWMODE (QWIOC | 1)

#define QW_ECHO 0
#define QW_NOREPLY 1

/* The request close sends down, and the answer it waits for. */
struct qw_req {
	uint32_t qr_magic;	/* QW_MAGIC */
	uint32_t qr_cookie;	/* the stream's, echoed back */
};
#define QW_MAGIC 0x71776169u

#endif
