/*
 * The I/O messages a client's library sends a resource manager (the ones
 * kernsim's QNX clients send: open, close, read, write, devctl). Layouts
 * as QNX's.
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

/*
 * read() and write(): the header, then for pread()/pwrite() (xtype
 * _IO_XTYPE_OFFSET) the one-shot offset, then for a write its data. A read's
 * reply is the bytes alone, their count the reply's status; a write's
 * reply is its status, the count written.
 */
#define _IO_XTYPE_NONE 0x00000000
#define _IO_XTYPE_READCOND 0x00000001
#define _IO_XTYPE_MQUEUE 0x00000002
#define _IO_XTYPE_TCPIP 0x00000003
#define _IO_XTYPE_TCPIP_MSG 0x00000004
#define _IO_XTYPE_OFFSET 0x00000005
#define _IO_XTYPE_REGISTRY 0x00000006
#define _IO_XTYPE_MASK 0x000000ff
#define _IO_XFLAG_NONBLOCK 0x00004000
#define _IO_XFLAG_BLOCK 0x00008000

struct _io_read {
	uint16_t type;
	uint16_t combine_len;
	int32_t nbytes;		/* what the client wants read */
	uint32_t xtype;
	uint32_t zero;
};

typedef union {
	struct _io_read i;
	/* the reply: unsigned char data[status] */
} io_read_t;

struct _io_write {
	uint16_t type;
	uint16_t combine_len;
	int32_t nbytes;		/* the data's length */
	uint32_t xtype;
	uint32_t zero;
	/* [struct _xtype_offset] char data[nbytes]; */
};

typedef union {
	struct _io_write i;
} io_write_t;

/* after the header when xtype is _IO_XTYPE_OFFSET */
struct _xtype_offset {
	int64_t offset;
};

/* A read or write handler's count: the status its reply carries. */
#define _IO_SET_READ_NBYTES(_ctp, _nbytes) ((_ctp)->status = (_nbytes))
#define _IO_SET_WRITE_NBYTES(_ctp, _nbytes) ((_ctp)->status = (_nbytes))

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
