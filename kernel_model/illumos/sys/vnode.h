/*
 * illumos <sys/vnode.h>: vnodes over the kernel model's in-memory files and
 * device nodes. A vnode is kernel memory with a reference count (VN_HOLD,
 * VN_RELE); the last VN_RELE frees it, so a stale pointer is a use after
 * free the VOP calls report. Opens are counted too: I/O on a vnode after its
 * VOP_CLOSE is a use after close. Holds left at teardown are a vnode leak.
 * No page cache: vn_rdwr moves the bytes directly.
 */
#ifndef _KS_ILLUMOS_SYS_VNODE_H
#define _KS_ILLUMOS_SYS_VNODE_H

#include <sys/types.h>
#include <sys/cred.h>
#include <sys/uio.h>

typedef enum vtype {
	VNON = 0, VREG = 1, VDIR = 2, VBLK = 3, VCHR = 4, VLNK = 5,
	VFIFO = 6, VDOOR = 7, VPROC = 8, VSOCK = 9, VPORT = 10, VBAD = 11
} vtype_t;

typedef struct vnode {
	uint_t v_count;		/* holds */
	vtype_t v_type;
	dev_t v_rdev;		/* VBLK, VCHR: the device */
	char *v_path;
	uint_t v_ks_opens;	/* vn_open minus VOP_CLOSE */
	void *v_ks_file;	/* the kernel model's backing file (VREG) */
} vnode_t;

typedef unsigned long long u_offset_t_ks;

typedef struct vattr {
	uint_t va_mask;
	vtype_t va_type;
	mode_t va_mode;
	uid_t va_uid;
	gid_t va_gid;
	dev_t va_fsid;
	unsigned long long va_nodeid;
	uint_t va_nlink;
	unsigned long long va_size;
	dev_t va_rdev;
	unsigned long long va_nblocks;
} vattr_t;

#define AT_TYPE 0x00001
#define AT_MODE 0x00002
#define AT_UID 0x00004
#define AT_GID 0x00008
#define AT_SIZE 0x00080
#define AT_NBLOCKS 0x02000
#define AT_ALL 0x3ffff

enum symfollow { NO_FOLLOW = 0, FOLLOW = 1 };
enum create { CRCREAT, CRMKNOD, CRMKDIR };
typedef long long rlim64_t;
#define RLIM64_INFINITY ((rlim64_t)-3)
typedef struct caller_context caller_context_t;

/* vn_rdwr ioflag */
#define FSYNC_KS 0x10

#ifdef __cplusplus
extern "C" {
#endif
extern int lookupname(const char *, enum uio_seg, enum symfollow, vnode_t **,
    vnode_t **);
extern int vn_open(const char *, enum uio_seg, int, int, vnode_t **,
    enum create, mode_t);
extern int vn_rdwr(enum uio_rw, vnode_t *, caddr_t, ssize_t, offset_t,
    enum uio_seg, int, rlim64_t, cred_t *, ssize_t *);
extern void vn_rele(vnode_t *);
extern void ks_il_vn_hold(vnode_t *);
extern int fop_close(vnode_t *, int, int, offset_t, cred_t *, caller_context_t *);
extern int fop_getattr(vnode_t *, vattr_t *, int, cred_t *, caller_context_t *);
extern int fop_fsync(vnode_t *, int, cred_t *, caller_context_t *);
extern int fop_open(vnode_t **, int, cred_t *, caller_context_t *);
extern int fop_read(vnode_t *, uio_t *, int, cred_t *, caller_context_t *);
extern int fop_write(vnode_t *, uio_t *, int, cred_t *, caller_context_t *);
extern int fop_ioctl(vnode_t *, int, intptr_t, int, cred_t *, int *, caller_context_t *);
extern int fop_access(vnode_t *, int, int, cred_t *, caller_context_t *);
#ifdef __cplusplus
}
#endif

#define VN_HOLD(vp) ks_il_vn_hold(vp)
#define VN_RELE(vp) vn_rele(vp)
#define VOP_CLOSE(vp, f, c, o, cr, ct) fop_close((vp), (f), (c), (o), (cr), (ct))
#define VOP_GETATTR(vp, vap, f, cr, ct) fop_getattr((vp), (vap), (f), (cr), (ct))
#define VOP_FSYNC(vp, f, cr, ct) fop_fsync((vp), (f), (cr), (ct))
/*
 * The VOPs' arities are current illumos's. On a regular file: VOP_OPEN
 * counts an open as vn_open does, VOP_READ/VOP_WRITE move a uio's bytes
 * (kernel or user space) as vn_rdwr does, VOP_IOCTL is ENOTTY,
 * VOP_ACCESS grants what the file allows (VWRITE of a read-only file:
 * EROFS). On a device vnode they are ENXIO: I/O through a device vnode is
 * not modelled.
 */
#define VOP_OPEN(vpp, mode, cr, ct) fop_open((vpp), (mode), (cr), (ct))
#define VOP_READ(vp, uiop, iof, cr, ct) fop_read((vp), (uiop), (iof), (cr), (ct))
#define VOP_WRITE(vp, uiop, iof, cr, ct) fop_write((vp), (uiop), (iof), (cr), (ct))
#define VOP_IOCTL(vp, cmd, a, f, cr, rvp, ct) \
	fop_ioctl((vp), (cmd), (a), (f), (cr), (rvp), (ct))
#define VOP_ACCESS(vp, mode, f, cr, ct) fop_access((vp), (mode), (f), (cr), (ct))

/* VOP_ACCESS modes */
#define VREAD 00400
#define VWRITE 00200
#define VEXEC 00100

#endif
