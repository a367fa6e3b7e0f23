/*
 * illumos <sys/conf.h>: a character/block driver's entry points (cb_ops).
 * The kernel model's device switch calls them through the illumos adapter.
 */
#ifndef _KS_ILLUMOS_SYS_CONF_H
#define _KS_ILLUMOS_SYS_CONF_H

#include <sys/types.h>
#include <sys/mkdev.h>
#include <sys/dditypes.h>

struct cred;
struct uio;
struct buf;
struct pollhead;
struct ks_streamtab;	/* <sys/stream.h>: struct streamtab */
struct as;
struct aio_req;
/* what a prop_op(9E) is asked (illumos <sys/ddipropdefs.h>) */
typedef enum {
	PROP_LEN = 0,		/* the length only */
	PROP_LEN_AND_VAL_BUF,	/* length and value into the caller's buffer */
	PROP_LEN_AND_VAL_ALLOC,	/* length and value into a kmem_alloc'd one */
	PROP_EXISTS
} ddi_prop_op_t;
typedef struct devmap_handle *devmap_cookie_t;

struct cb_ops {
	int (*cb_open)(dev_t *devp, int flag, int otyp, struct cred *credp);
	int (*cb_close)(dev_t dev, int flag, int otyp, struct cred *credp);
	int (*cb_strategy)(struct buf *bp);
	int (*cb_print)(dev_t dev, char *str);
	int (*cb_dump)(dev_t dev, caddr_t addr, daddr_t blkno, int nblk);
	int (*cb_read)(dev_t dev, struct uio *uiop, struct cred *credp);
	int (*cb_write)(dev_t dev, struct uio *uiop, struct cred *credp);
	int (*cb_ioctl)(dev_t dev, int cmd, intptr_t arg, int mode, struct cred *credp,
	    int *rvalp);
	int (*cb_devmap)(dev_t dev, devmap_cookie_t dhp, offset_t off, size_t len,
	    size_t *maplen, uint_t model);
	int (*cb_mmap)(dev_t dev, off_t off, int prot);
	int (*cb_segmap)(dev_t dev, off_t off, struct as *asp, caddr_t *addrp, off_t len,
	    unsigned int prot, unsigned int maxprot, unsigned int flags, struct cred *credp);
	int (*cb_chpoll)(dev_t dev, short events, int anyyet, short *reventsp,
	    struct pollhead **phpp);
	int (*cb_prop_op)(dev_t dev, dev_info_t *dip, ddi_prop_op_t prop_op, int mod_flags,
	    char *name, caddr_t valuep, int *length);
	struct ks_streamtab *cb_str;
	int cb_flag;
	int cb_rev;
	int (*cb_aread)(dev_t dev, struct aio_req *aio, struct cred *credp);
	int (*cb_awrite)(dev_t dev, struct aio_req *aio, struct cred *credp);
};

/* A STREAMS module's switch entry (modlstrmod): its name for I_PUSH. */
struct fmodsw {
	char f_name[9];		/* FMNAMESZ + 1 */
	struct ks_streamtab *f_str;
	int f_flag;
};

/* cb_flag */
#define D_NEW 0x00
#define D_MP 0x20
#define D_64BIT 0x200
#define D_DEVMAP 0x100
#define D_HOTPLUG 0x4
#define D_U64BIT 0x40000
#define D_MTSAFE 0x0020
/* STREAMS perimeters (mt-streams(9F)) */
#define D_MTOCEXCL 0x0800
#define D_MTPUTSHARED 0x1000
#define D_MTPERQ 0x2000
#define D_MTQPAIR 0x4000
#define D_MTPERMOD 0x6000
#define D_MTOUTPERIM 0x8000

#define CB_REV 1

#ifdef __cplusplus
extern "C" {
#endif
/* Entry points a driver has none of: nodev fails (ENXIO), nulldev succeeds. */
extern int nodev();
extern int nulldev();
extern int nochpoll(dev_t, short, int, short *, struct pollhead **);
extern int ddi_prop_op(dev_t, dev_info_t *, ddi_prop_op_t, int, char *, caddr_t, int *);
#ifdef __cplusplus
}
#endif

#endif
