/*
 * The resource-manager layer: the context a handler gets, the connect and
 * I/O function tables, what a handler's return value asks the library to
 * do (_RESMGR_*), and reads and writes of the client's message.
 */
#ifndef _KS_QNX_SYS_RESMGR_H
#define _KS_QNX_SYS_RESMGR_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/neutrino.h>
#include <sys/iomsg.h>

struct _iofunc_attr;
struct _iofunc_ocb;
#ifndef RESMGR_HANDLE_T
#define RESMGR_HANDLE_T struct _iofunc_attr
#endif
#ifndef RESMGR_OCB_T
#define RESMGR_OCB_T struct _iofunc_ocb
#endif

typedef struct _dispatch dispatch_t;

/* what an unblock handler gets: the kernel's _PULSE_CODE_UNBLOCK pulse */
typedef struct _pulse io_pulse_t;

typedef union {
	uint16_t type;
	io_open_t open;
	io_close_t close;
	io_read_t read;
	io_write_t write;
	io_devctl_t devctl;
} resmgr_iomsgs_t;

typedef struct _resmgr_context {
	int rcvid;
	struct _msg_info info;
	resmgr_iomsgs_t *msg;
	dispatch_t *dpp;
	int id;
	unsigned tid;
	unsigned msg_max_size;
	int status;
	int offset;
	int size;
	iov_t iov[1];	/* nparts_max of them */
} resmgr_context_t;

typedef struct _resmgr_attr {
	unsigned flags;
	unsigned nparts_max;
	unsigned msg_max_size;
	int (*other_func)(resmgr_context_t *ctp, void *msg);
	unsigned reserved[4];
} resmgr_attr_t;

typedef struct _resmgr_connect_funcs {
	unsigned nfuncs;
	int (*open)(resmgr_context_t *ctp, io_open_t *msg, RESMGR_HANDLE_T *handle, void *extra);
	int (*unlink)(resmgr_context_t *ctp, void *msg, RESMGR_HANDLE_T *handle, void *reserved);
	int (*rename)(resmgr_context_t *ctp, void *msg, RESMGR_HANDLE_T *handle, void *extra);
	int (*mknod)(resmgr_context_t *ctp, void *msg, RESMGR_HANDLE_T *handle, void *reserved);
	int (*readlink)(resmgr_context_t *ctp, void *msg, RESMGR_HANDLE_T *handle, void *reserved);
	int (*link)(resmgr_context_t *ctp, void *msg, RESMGR_HANDLE_T *handle, void *extra);
	int (*unblock)(resmgr_context_t *ctp, io_pulse_t *msg, RESMGR_HANDLE_T *handle,
	    void *reserved);
	int (*mount)(resmgr_context_t *ctp, void *msg, RESMGR_HANDLE_T *handle, void *extra);
} resmgr_connect_funcs_t;
#define _RESMGR_CONNECT_NFUNCS \
	((sizeof(resmgr_connect_funcs_t) - sizeof(unsigned)) / sizeof(void *))

typedef struct _resmgr_io_funcs {
	unsigned nfuncs;
	int (*read)(resmgr_context_t *ctp, io_read_t *msg, RESMGR_OCB_T *ocb);
	int (*write)(resmgr_context_t *ctp, io_write_t *msg, RESMGR_OCB_T *ocb);
	int (*close_ocb)(resmgr_context_t *ctp, void *reserved, RESMGR_OCB_T *ocb);
	int (*stat)(resmgr_context_t *ctp, void *msg, RESMGR_OCB_T *ocb);
	int (*notify)(resmgr_context_t *ctp, void *msg, RESMGR_OCB_T *ocb);
	int (*devctl)(resmgr_context_t *ctp, io_devctl_t *msg, RESMGR_OCB_T *ocb);
	int (*unblock)(resmgr_context_t *ctp, io_pulse_t *msg, RESMGR_OCB_T *ocb);
	int (*pathconf)(resmgr_context_t *ctp, void *msg, RESMGR_OCB_T *ocb);
	int (*lseek)(resmgr_context_t *ctp, void *msg, RESMGR_OCB_T *ocb);
	int (*chmod)(resmgr_context_t *ctp, void *msg, RESMGR_OCB_T *ocb);
	int (*chown)(resmgr_context_t *ctp, void *msg, RESMGR_OCB_T *ocb);
	int (*utime)(resmgr_context_t *ctp, void *msg, RESMGR_OCB_T *ocb);
	int (*openfd)(resmgr_context_t *ctp, void *msg, RESMGR_OCB_T *ocb);
	int (*fdinfo)(resmgr_context_t *ctp, void *msg, RESMGR_OCB_T *ocb);
	int (*lock)(resmgr_context_t *ctp, void *msg, RESMGR_OCB_T *ocb);
	int (*space)(resmgr_context_t *ctp, void *msg, RESMGR_OCB_T *ocb);
	int (*shutdown)(resmgr_context_t *ctp, void *msg, RESMGR_OCB_T *ocb);
	int (*mmap)(resmgr_context_t *ctp, void *msg, RESMGR_OCB_T *ocb);
	int (*msg)(resmgr_context_t *ctp, void *msg, RESMGR_OCB_T *ocb);
	int (*reserved)(resmgr_context_t *ctp, void *msg, RESMGR_OCB_T *ocb);
	int (*dup)(resmgr_context_t *ctp, void *msg, RESMGR_OCB_T *ocb);
	int (*close_dup)(resmgr_context_t *ctp, io_close_t *msg, RESMGR_OCB_T *ocb);
	int (*lock_ocb)(resmgr_context_t *ctp, void *reserved, RESMGR_OCB_T *ocb);
	int (*unlock_ocb)(resmgr_context_t *ctp, void *reserved, RESMGR_OCB_T *ocb);
	int (*sync)(resmgr_context_t *ctp, void *msg, RESMGR_OCB_T *ocb);
	int (*power)(resmgr_context_t *ctp, void *msg, RESMGR_OCB_T *ocb);
} resmgr_io_funcs_t;
#define _RESMGR_IO_NFUNCS ((sizeof(resmgr_io_funcs_t) - sizeof(unsigned)) / sizeof(void *))

/* What a handler's return value asks of the library */
#define _RESMGR_NOREPLY (INT_MIN + 0)	/* the handler replied itself, or will */
#define _RESMGR_DEFAULT (INT_MIN + 1)	/* the default action: ENOSYS */
#define _RESMGR_NPARTS(_n) (-(_n))	/* reply with ctp->iov[0.._n) */
#define _RESMGR_ERRNO(_e) (_e)		/* a short reply: EOK or an errno */
#define _RESMGR_PTR(_ctp, _p, _n) (SETIOV((_ctp)->iov + 0, (_p), (_n)), _RESMGR_NPARTS(1))
#define _RESMGR_STATUS(_ctp, _s) ((_ctp)->status = (_s))

enum _file_type { _FTYPE_ANY = 0, _FTYPE_FILE = 1 };

int resmgr_attach(dispatch_t *dpp, resmgr_attr_t *attr, const char *path,
    enum _file_type file_type, unsigned flags, const resmgr_connect_funcs_t *connect_funcs,
    const resmgr_io_funcs_t *io_funcs, RESMGR_HANDLE_T *handle);
int resmgr_detach(dispatch_t *dpp, int id, unsigned flags);
/* MsgRead/MsgWrite of the message ctp received, at offset + ctp->offset */
ssize_t resmgr_msgread(resmgr_context_t *ctp, void *msg, size_t nbytes, size_t offset);
ssize_t resmgr_msgwrite(resmgr_context_t *ctp, const void *msg, size_t nbytes, size_t offset);

#endif
