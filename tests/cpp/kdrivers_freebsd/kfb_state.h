/* The FreeBSD test drivers' shared state (their own files only). */
#ifndef KS_TEST_KDRIVERS_FREEBSD_STATE_H
#define KS_TEST_KDRIVERS_FREEBSD_STATE_H

#include <sys/types.h>
#include <sys/lock.h>
#include <sys/mutex.h>
#include <sys/condvar.h>
#include <sys/sx.h>
#include <sys/malloc.h>

MALLOC_DECLARE(M_KFB);

struct kfb_state {
	struct mtx a;		/* MTX_DEF "kfb_a" */
	struct mtx b;		/* MTX_DEF "kfb_b" */
	struct mtx spin;	/* MTX_SPIN "kfb_spin" */
	struct mtx rec;		/* MTX_DEF | MTX_RECURSE "kfb_rec" */
	struct cv cv;		/* "kfb done" */
	struct sx sx;		/* "kfb_sx" */
	struct sx sxr;		/* SX_RECURSE "kfb_sxr" */
	int count;
	int done;
	int readers;
	int inside;		/* a thread is in d_ioctl */
	int go;			/* it may leave */
	struct cdev *dev;
};

extern struct kfb_state kfb;

#endif
