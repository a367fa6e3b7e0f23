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

/*
 * A resource manager extends the OCB, the attribute or the mount structure
 * by defining IOFUNC_OCB_T (IOFUNC_ATTR_T, IOFUNC_MOUNT_T) before this
 * header, its own structure starting with the library's ("Extending the
 * OCB", Getting Started with QNX Neutrino); the handlers' tables and the
 * helpers then take its type (RESMGR_OCB_T is IOFUNC_OCB_T).
 */
#ifndef IOFUNC_ATTR_T
#define IOFUNC_ATTR_T struct _iofunc_attr
#endif
#ifndef IOFUNC_OCB_T
#define IOFUNC_OCB_T struct _iofunc_ocb
#endif
#ifndef IOFUNC_MOUNT_T
#define IOFUNC_MOUNT_T struct _iofunc_mount
#endif
#ifndef RESMGR_HANDLE_T
#define RESMGR_HANDLE_T IOFUNC_ATTR_T
#endif
#ifndef RESMGR_OCB_T
#define RESMGR_OCB_T IOFUNC_OCB_T
#endif

#include <sys/resmgr.h>
#include <devctl.h>

/* the open mode in an OCB: O_ACCMODE + 1 */
#define _IO_FLAG_RD 0x00000001
#define _IO_FLAG_WR 0x00000002
#define _IO_FLAG_MASK 0x00000003

/* the OCB allocator of a mount: ocb_calloc and ocb_free, or NULL for the
 * library's (iofunc_ocb_calloc, iofunc_ocb_free) */
typedef struct _iofunc_funcs {
	unsigned nfuncs;
	IOFUNC_OCB_T *(*ocb_calloc)(resmgr_context_t *ctp, IOFUNC_ATTR_T *attr);
	void (*ocb_free)(IOFUNC_OCB_T *ocb);
} iofunc_funcs_t;
#define _IOFUNC_NFUNCS ((sizeof(iofunc_funcs_t) - sizeof(unsigned)) / sizeof(void *))

typedef struct _iofunc_mount {
	uint32_t flags;
	uint32_t conf;
	dev_t dev;
	int32_t blocksize;
	iofunc_funcs_t *funcs;
} iofunc_mount_t;

/* an attribute's flags: which times a handler changed (iofunc_time_update
 * sets them and clears these), what is dirty. Values from memory of QNX's
 * header; the model needs only that they are distinct bits. */
#define IOFUNC_ATTR_CTIME 0x00000001
#define IOFUNC_ATTR_MTIME 0x00000002
#define IOFUNC_ATTR_ATIME 0x00000004
#define IOFUNC_ATTR_FTIME 0x00000008
#define IOFUNC_ATTR_DIRTY_SIZE 0x00000100
#define IOFUNC_ATTR_DIRTY_OWNER 0x00000200
#define IOFUNC_ATTR_DIRTY_TIME 0x00000400
#define IOFUNC_ATTR_DIRTY_MODE 0x00000800
#define IOFUNC_ATTR_DIRTY_NLINK 0x00001000
#define IOFUNC_ATTR_DIRTY_RDEV 0x00002000

typedef struct _iofunc_attr {
	IOFUNC_MOUNT_T *mount;	/* NULL, or the mount whose funcs make the OCBs */
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
	ino_t inode;
	uint32_t mtime, atime, ctime;	/* seconds of virtual time */
	nlink_t nlink;
	dev_t rdev;
} iofunc_attr_t;

typedef struct _iofunc_ocb {
	IOFUNC_ATTR_T *attr;
	int32_t ioflag;
	off_t offset;
	uint16_t sflag;
	uint16_t flags;
} iofunc_ocb_t;

struct _client_info;

void iofunc_func_init(unsigned nconnect, resmgr_connect_funcs_t *connect, unsigned nio,
    resmgr_io_funcs_t *io);
void iofunc_attr_init(IOFUNC_ATTR_T *attr, mode_t mode, IOFUNC_ATTR_T *dattr,
    struct _client_info *info);
/* the times the attribute's flags say changed, to now; those flags cleared */
int iofunc_time_update(IOFUNC_ATTR_T *attr);
int iofunc_attr_lock(IOFUNC_ATTR_T *attr);
int iofunc_attr_unlock(IOFUNC_ATTR_T *attr);
int iofunc_open_default(resmgr_context_t *ctp, io_open_t *msg, IOFUNC_ATTR_T *attr,
    void *extra);
/* an OCB from the mount's ocb_calloc, or the library's own (calloc) */
IOFUNC_OCB_T *iofunc_ocb_calloc(resmgr_context_t *ctp, IOFUNC_ATTR_T *attr);
void iofunc_ocb_free(IOFUNC_OCB_T *ocb);
/* a client asked to be unblocked (a signal or timeout while REPLY-blocked):
 * _RESMGR_DEFAULT when the library had nothing of the client's to undo */
int iofunc_unblock_default(resmgr_context_t *ctp, io_pulse_t *msg, IOFUNC_OCB_T *ocb);
/* the library's lock_ocb and unlock_ocb (iofunc_func_init installs them):
 * the OCB's attribute lock, held around each I/O handler */
int iofunc_lock_ocb_default(resmgr_context_t *ctp, void *reserved, IOFUNC_OCB_T *ocb);
int iofunc_unlock_ocb_default(resmgr_context_t *ctp, void *reserved, IOFUNC_OCB_T *ocb);
int iofunc_close_ocb_default(resmgr_context_t *ctp, void *reserved, IOFUNC_OCB_T *ocb);
/* a close (the client's _IO_CLOSE, or the library's for a client that
 * died): the POSIX clean-up of the client's file locks, which are not
 * modelled: EOK. The library counts the closes and calls close_ocb on the
 * last, whatever close_dup returns. */
int iofunc_close_dup(resmgr_context_t *ctp, io_close_t *msg, IOFUNC_OCB_T *ocb,
    IOFUNC_ATTR_T *attr);
int iofunc_close_dup_default(resmgr_context_t *ctp, io_close_t *msg, IOFUNC_OCB_T *ocb);
/* DCMD_ALL_*; _RESMGR_DEFAULT for any other command */
int iofunc_devctl(resmgr_context_t *ctp, io_devctl_t *msg, IOFUNC_OCB_T *ocb,
    IOFUNC_ATTR_T *attr);
int iofunc_devctl_default(resmgr_context_t *ctp, io_devctl_t *msg, IOFUNC_OCB_T *ocb);
/* EOK, or EBADF when the OCB lacks the open mode a flag asks for */
#define _IO_DEVCTL_VERIFY_OCB_READ 0x00000001
#define _IO_DEVCTL_VERIFY_OCB_WRITE 0x00000002
int iofunc_devctl_verify(resmgr_context_t *ctp, io_devctl_t *msg, IOFUNC_OCB_T *ocb,
    int flags);

/* EOK, or EBADF when the OCB was not opened for reading (writing), EBADMSG
 * when the xtype's header is not all there; *nonblock (if not NULL)
 * O_NONBLOCK when the client must not block (its open's O_NONBLOCK, or the
 * message's _IO_XFLAG_NONBLOCK; _IO_XFLAG_BLOCK overrides the open), else 0. */
int iofunc_read_verify(resmgr_context_t *ctp, io_read_t *msg, IOFUNC_OCB_T *ocb,
    int *nonblock);
int iofunc_write_verify(resmgr_context_t *ctp, io_write_t *msg, IOFUNC_OCB_T *ocb,
    int *nonblock);
/* /dev/null: after the verify, a read of zero bytes (the end of the file),
 * a write that takes every byte */
int iofunc_read_default(resmgr_context_t *ctp, io_read_t *msg, IOFUNC_OCB_T *ocb);
int iofunc_write_default(resmgr_context_t *ctp, io_write_t *msg, IOFUNC_OCB_T *ocb);

#endif
