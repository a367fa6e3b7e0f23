/*
 * The POSIX-layer helpers: the attribute structure of a resource (with its
 * lock) and the OCB of an open (with the open mode `ioflag`), and the
 * default handlers. Nothing here checks a devctl against the open mode:
 * the handler must (ioflag & _IO_FLAG_WR), or ask iofunc_devctl_verify.
 * Nor does anything check a read or write before its handler runs: a
 * handler starts with iofunc_read_verify/iofunc_write_verify (EBADF for an
 * open without the mode), or lets any open read or write.
 */
#ifndef _KS_QNX_SYS_IOFUNC_H
#define _KS_QNX_SYS_IOFUNC_H

#include <stdint.h>
#include <sys/types.h>
#include <kernsim/abi.h>
#include <sys/resmgr.h>
#include <devctl.h>

/* the open mode in an OCB: O_ACCMODE + 1 */
#define _IO_FLAG_RD 0x00000001
#define _IO_FLAG_WR 0x00000002
#define _IO_FLAG_MASK 0x00000003

typedef struct _iofunc_attr {
	ks_handle_t lock;	/* iofunc_attr_lock: a recursive mutex */
	uint32_t flags;
	uint16_t count;		/* OCBs open on it */
	uint16_t rcount;
	uint16_t wcount;
	uint16_t rlocks;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	off_t nbytes;
} iofunc_attr_t;

typedef struct _iofunc_ocb {
	iofunc_attr_t *attr;
	int32_t ioflag;
	off_t offset;
	uint16_t sflag;
	uint16_t flags;
} iofunc_ocb_t;

struct _client_info;

void iofunc_func_init(unsigned nconnect, resmgr_connect_funcs_t *connect, unsigned nio,
    resmgr_io_funcs_t *io);
void iofunc_attr_init(iofunc_attr_t *attr, mode_t mode, iofunc_attr_t *dattr,
    struct _client_info *info);
int iofunc_attr_lock(iofunc_attr_t *attr);
int iofunc_attr_unlock(iofunc_attr_t *attr);
int iofunc_open_default(resmgr_context_t *ctp, io_open_t *msg, iofunc_attr_t *attr,
    void *extra);
int iofunc_close_ocb_default(resmgr_context_t *ctp, void *reserved, iofunc_ocb_t *ocb);
/* DCMD_ALL_*; _RESMGR_DEFAULT for any other command */
int iofunc_devctl(resmgr_context_t *ctp, io_devctl_t *msg, iofunc_ocb_t *ocb,
    iofunc_attr_t *attr);
int iofunc_devctl_default(resmgr_context_t *ctp, io_devctl_t *msg, iofunc_ocb_t *ocb);
/* EOK, or EBADF when the OCB lacks the open mode a flag asks for */
#define _IO_DEVCTL_VERIFY_OCB_READ 0x00000001
#define _IO_DEVCTL_VERIFY_OCB_WRITE 0x00000002
int iofunc_devctl_verify(resmgr_context_t *ctp, io_devctl_t *msg, iofunc_ocb_t *ocb,
    int flags);

/* EOK, or EBADF when the OCB was not opened for reading (writing), EBADMSG
 * when the xtype's header is not all there; *nonblock (if not NULL)
 * nonzero when the client asked not to block (_IO_XFLAG_NONBLOCK). */
int iofunc_read_verify(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb,
    int *nonblock);
int iofunc_write_verify(resmgr_context_t *ctp, io_write_t *msg, iofunc_ocb_t *ocb,
    int *nonblock);
/* /dev/null: after the verify, a read of zero bytes (the end of the file),
 * a write that takes every byte */
int iofunc_read_default(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb);
int iofunc_write_default(resmgr_context_t *ctp, io_write_t *msg, iofunc_ocb_t *ocb);

#endif
