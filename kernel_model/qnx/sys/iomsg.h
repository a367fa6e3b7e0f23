/*
 * The I/O messages a client's library sends a resource manager (the ones
 * kernsim's QNX clients send: open, close, devctl). Layouts as QNX's.
 */
#ifndef _KS_QNX_SYS_IOMSG_H
#define _KS_QNX_SYS_IOMSG_H

#include <stdint.h>

#define _IO_BASE 0x100
#define _IO_CONNECT (_IO_BASE + 0)
#define _IO_READ (_IO_BASE + 1)
#define _IO_WRITE (_IO_BASE + 2)
#define _IO_CLOSE (_IO_BASE + 3)
#define _IO_DEVCTL (_IO_BASE + 5)

#define _IO_CONNECT_OPEN 1

struct _io_connect {
	uint16_t type;
	uint16_t subtype;
	uint32_t file_type;
	uint16_t reply_max;
	uint16_t entry_max;
	uint32_t key;
	uint32_t handle;
	uint32_t ioflag;	/* O_* open flags + 1: _IO_FLAG_RD, _IO_FLAG_WR */
	uint32_t mode;
	uint16_t sflag;
	uint16_t access;
	uint16_t zero;
	uint16_t path_len;
	uint8_t eflag;
	uint8_t extra_type;
	uint16_t extra_len;
	char path[1];
};

typedef union {
	struct _io_connect connect;
} io_open_t;

struct _io_close {
	uint16_t type;
	uint16_t combine_len;
};

typedef union {
	struct _io_close i;
} io_close_t;

struct _io_devctl {
	uint16_t type;
	uint16_t combine_len;
	int32_t dcmd;
	uint32_t nbytes;
	int32_t zero;
	/* char data[nbytes]; */
};

struct _io_devctl_reply {
	uint32_t zero;
	int32_t ret_val;
	uint32_t nbytes;
	int32_t zero2;
	/* char data[nbytes]; */
};

typedef union {
	struct _io_devctl i;
	struct _io_devctl_reply o;
} io_devctl_t;

#endif
