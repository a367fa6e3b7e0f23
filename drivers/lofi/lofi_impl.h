/*
 * lofi's private state: one soft state per mapped file, indexed by minor.
 *
 * Locking. lofi_lock (global) serialises mapping, unmapping, open and close
 * and protects the soft-state table, the open counts and ls_cleanup.
 * ls_vp_lock protects the backing vnode's life: ls_vp_ready,
 * ls_vp_closereq and ls_vp_iocount (I/O in flight and DKIOCSTATE waiters);
 * ls_vp_cv is broadcast when the count reaches zero and when a forced unmap
 * asks for the close. ls_kstat_lock protects the I/O kstat.
 * Order: lofi_lock, then ls_vp_lock, then ls_kstat_lock.
 */
#ifndef LOFI_IMPL_H
#define LOFI_IMPL_H

#include <sys/types.h>
#include <sys/ksynch.h>
#include <sys/open.h>
#include <sys/taskq.h>
#include <sys/kstat.h>
#include <sys/vnode.h>
#include <sys/buf.h>
#include <sys/dkio.h>
#include <sys/vtoc.h>
#include <sys/dditypes.h>

#include "lofi_io.h"

#define LOFI_DRIVER "lofi"

struct lofi_state {
	minor_t ls_minor;
	char *ls_filename;
	size_t ls_filename_sz;
	int ls_readonly;

	kmutex_t ls_vp_lock;
	kcondvar_t ls_vp_cv;
	vnode_t *ls_vp;			/* held and open while ls_vp_ready */
	uint64_t ls_vp_size;
	int ls_vp_ready;
	int ls_vp_closereq;		/* a forced unmap wants the file closed */
	uint32_t ls_vp_iocount;

	/*
	 * Opens by open type (lofi_lock): close(9E) comes at the last close of
	 * each type (OTYP_BLK, OTYP_CHR), and once per layered close.
	 */
	int ls_open_count[OTYPCNT];
	int ls_open_excl;		/* 1 + the type of the FEXCL open, or 0 */
	int ls_cleanup;			/* tear down at last close */

	taskq_t *ls_taskq;
	char ls_tqname[32];
	kstat_t *ls_kstat;
	kmutex_t ls_kstat_lock;

	struct dk_geom ls_dkg;
	struct vtoc ls_vtoc;
	struct dk_cinfo ls_ci;
};

extern void *lofi_statep;
extern kmutex_t lofi_lock;
extern int lofi_max_minor;
extern dev_info_t *lofi_dip;

#define LOFI_VARIANT(v) KS_VARIANT(LOFI_DRIVER, (v))

/* lofi_io.c */
extern int lofi_strategy(struct buf *);
extern int lofi_read(dev_t, struct uio *, cred_t *);
extern int lofi_write(dev_t, struct uio *, cred_t *);
/* lofi_dkio.c */
extern void lofi_fake_labels(struct lofi_state *);
extern int lofi_dkio(struct lofi_state *, int, intptr_t, int, int *);

#endif
