/*
 * illumos <sys/buf.h>: the buffer header a block driver's strategy routine
 * is handed. physio(9F) builds one per transfer from a uio (through a kernel
 * bounce buffer here: b_un.b_addr is always mapped, bp_mapin does nothing),
 * calls strategy and sleeps in biowait until the driver's biodone.
 */
#ifndef _KS_ILLUMOS_SYS_BUF_H
#define _KS_ILLUMOS_SYS_BUF_H

#include <sys/types.h>
#include <sys/ksynch.h>
#include <sys/uio.h>

typedef long long ks_il_daddr_t;	/* illumos daddr_t is a long */

typedef struct buf {
	int b_flags;
	struct buf *av_forw;		/* driver's queue links */
	struct buf *av_back;
	size_t b_bcount;		/* bytes to move */
	union {
		caddr_t b_addr;		/* kernel address of the data */
	} b_un;
	ks_il_daddr_t b_blkno;		/* block number on the device */
	diskaddr_t b_lblkno;		/* the same, 64-bit */
	size_t b_resid;			/* bytes not moved */
	size_t b_bufsize;
	int (*b_iodone)(struct buf *);	/* called by biodone instead of waking */
	int b_error;
	void *b_private;		/* the driver's */
	dev_t b_dev;
	dev_t b_edev;
	ksema_t b_sem;			/* biowait sleeps here; biodone posts */
	ksema_t b_io;
} buf_t;

/* b_flags */
#define B_BUSY 0x0001
#define B_DONE 0x0002
#define B_ERROR 0x0004
#define B_PAGEIO 0x0010
#define B_PHYS 0x0020
#define B_READ 0x0040
#define B_WRITE 0x0100
#define B_KERNBUF 0x0008
#define B_ASYNC 0x0400
#define B_FAILFAST 0x1000000

struct aio_req;

#ifdef __cplusplus
extern "C" {
#endif
extern void bioinit(struct buf *);
extern void biofini(struct buf *);
extern void bioerror(struct buf *, int);
extern void biodone(struct buf *);
extern int biowait(struct buf *);
extern int geterror(struct buf *);
extern void bp_mapin(struct buf *);
extern void bp_mapout(struct buf *);
extern struct buf *getrbuf(int);
extern void freerbuf(struct buf *);
/* the size of a buf for a driver allocating its own: bioinit it after */
extern size_t biosize(void);
/* ready a finished buf for reuse (biofini + bioinit) */
extern void bioreset(struct buf *);
/* zeroes the buf's data and b_resid */
extern void clrbuf(struct buf *);
/* caps b_bcount at maxphys */
extern void minphys(struct buf *);
extern int physio(int (*)(struct buf *), struct buf *, dev_t, int,
    void (*)(struct buf *), struct uio *);
/* Asynchronous I/O is not modelled: ENOTSUP (the caller falls back). */
extern int aphysio(int (*)(struct buf *), int (*)(struct buf *), dev_t, int,
    void (*)(struct buf *), struct aio_req *);
extern int anocancel(struct buf *);
#ifdef __cplusplus
}
#endif

/* the largest transfer physio hands strategy at once */
#define maxphys (128 * 1024)

#endif
