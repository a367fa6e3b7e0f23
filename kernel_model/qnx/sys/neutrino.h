/*
 * QNX Neutrino kernel calls a resource manager uses directly: replying to
 * and reading from a client's message (the rest of message passing is the
 * dispatch layer's, <sys/dispatch.h>). Each maps onto the kernel model's
 * message passing (kernel_model/msg_channel.h); errors come back as QNX's
 * do, -1 with errno set.
 */
#ifndef _KS_QNX_SYS_NEUTRINO_H
#define _KS_QNX_SYS_NEUTRINO_H

#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <sys/types.h>

#ifndef EOK
#define EOK 0
#endif

typedef struct {
	void *iov_base;
	size_t iov_len;
} iov_t;

#define SETIOV(_iov, _addr, _len) \
	((_iov)->iov_base = (void *)(_addr), (_iov)->iov_len = (size_t)(_len))

/* what MsgReceive says about a message (the fields kernsim models) */
struct _msg_info {
	uint32_t nd;
	uint32_t srcnd;
	pid_t pid;
	int32_t tid;
	int32_t chid;
	int32_t scoid;
	int32_t coid;
	int32_t msglen;
	int32_t srcmsglen;
	int32_t dstmsglen;
	int16_t priority;
	int16_t flags;
	uint32_t reserved;
};

/* a pulse: a message that nobody replies to. The kernel sends a server's
 * channel one with _PULSE_CODE_UNBLOCK when a REPLY-blocked client is
 * signalled (the channel has _NTO_CHF_UNBLOCK), its value the rcvid. */
struct _pulse {
	uint16_t type;
	uint16_t subtype;
	int8_t code;
	uint8_t zero[3];
	union sigval value;
	int32_t scoid;
};

#define _PULSE_CODE_UNBLOCK (-32)
#define _PULSE_CODE_DISCONNECT (-33)

/* ChannelCreate flags a resource manager's channel has */
#define _NTO_CHF_UNBLOCK 0x0002
#define _NTO_CHF_DISCONNECT 0x0004

int MsgReply(int rcvid, long status, const void *msg, size_t bytes);
int MsgReplyv(int rcvid, long status, const iov_t *riov, size_t rparts);
int MsgError(int rcvid, int error);
ssize_t MsgRead(int rcvid, void *msg, size_t bytes, size_t offset);
ssize_t MsgWrite(int rcvid, const void *msg, size_t bytes, size_t offset);

#endif
