/* streams_lp's per-stream state and its pool of loaned buffers. */
#ifndef _LP_IMPL_H
#define _LP_IMPL_H

#include <sys/types.h>
#include <sys/ksynch.h>
#include <sys/stream.h>
#include <sys/ddi.h>

#include "lp_io.h"

#define LP_NBUF 4
#define LP_BUFSZ 64
#define LP_NSLOW 4

struct lp_state;

/* A special buffer loaned upstream with esballoc. */
typedef struct lp_buf {
	frtn_t lb_frtn;
	struct lp_state *lb_sp;
	int lb_busy;
	unsigned char lb_data[LP_BUFSZ];
} lp_buf_t;

/* An LPSLOW ioctl the printer acks later. */
typedef struct lp_slow {
	struct lp_state *ls_sp;
	mblk_t *ls_mp;
	timeout_id_t ls_id;
} lp_slow_t;

typedef struct lp_state {
	kmutex_t sp_lock;	/* everything below */
	kcondvar_t sp_cv;	/* sp_loaned reaching 0 */
	queue_t *sp_rq;
	queue_t *sp_wq;
	int sp_loaned;		/* pool buffers still out */
	int sp_wantbuf;		/* the write side waits for a buffer */
	int sp_closing;
	bufcall_id_t sp_bufcall;	/* waiting for memory to print again */
	timeout_id_t sp_buftimer;	/* ... when even bufcall failed */
	long sp_jobs;
	struct lp_options sp_opts;
	caddr_t sp_status_addr;	/* LPSTATUS: the user's struct */
	lp_slow_t sp_slow[LP_NSLOW];	/* LPSLOW ioctls the printer will ack */
	lp_buf_t sp_pool[LP_NBUF];
} lp_state_t;

void lp_ioctl(queue_t *q, mblk_t *mp);
void lp_iocdata(queue_t *q, mblk_t *mp);

#endif
