/*
 * kernsim's small CTL core, as a frontend sees it: ports with a pool of
 * I/Os, ctl_queue handing an I/O to the backend thread, which serves it
 * against a RAM LUN, moving the data in rounds through the port's
 * fe_datamove (each round answered by be_move_done), then fe_done.
 */
#ifndef _CTL_PRIVATE_H_
#define _CTL_PRIVATE_H_

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/lock.h>
#include <sys/mutex.h>
#include <sys/condvar.h>
#include <sys/malloc.h>

#include "ctl_ioctl.h"

MALLOC_DECLARE(M_CTL);
MALLOC_DECLARE(M_CTLIO);

#define CTL_DRV			"ctl_ioctl"	/* the driver's name, for KS_VARIANT */
#define CTL_POOL_SIZE		4		/* I/Os per port */
#define CTL_MAX_KERN_SG		8
#define CTL_BE_ROUND		2048		/* bytes per datamove round */

/* io_hdr.flags */
#define CTL_FLAG_DMA_INPROG	0x0001	/* a datamove round is in progress */
#define CTL_FLAG_QUEUED		0x0002	/* on the backend's queue */

struct ctl_port;

struct ctl_sg_kern {
	uint8_t *addr;
	uint32_t len;
};

/* A kernel I/O: the user's request plus the core's and the port's state. */
struct ctl_scsiio {
	struct ctl_io uio;		/* the request; its out fields are the answer */
	struct ctl_port *port;
	uint32_t hdr_flags;
	STAILQ_ENTRY(ctl_scsiio) links;	/* the pool, or the backend's queue */
	/* this datamove round: the kernel's side */
	struct ctl_sg_kern kern_sg[CTL_MAX_KERN_SG];
	uint32_t kern_sg_entries;
	uint32_t kern_data_len;		/* bytes in this round */
	uint32_t kern_rel_offset;	/* the round's offset in the transfer */
	void (*be_move_done)(struct ctl_scsiio *);
	/* the backend's progress */
	int be_started;
	uint32_t be_total;		/* bytes the command moves */
	uint32_t be_offset;		/* bytes moved in finished rounds */
	uint8_t *be_base;		/* the LUN's bytes of the command */
	void *fe_priv;			/* the frontend's per-I/O state */
};

#define CTL_PORT_STATUS_ONLINE	0x0001

struct ctl_port {
	const char *port_name;
	int targ_port;			/* the port id */
	int physical_port;
	int virtual_port;
	uint32_t status;		/* CTL_PORT_STATUS_* (under port_lock) */
	void (*fe_datamove)(struct ctl_scsiio *);
	void (*fe_done)(struct ctl_scsiio *);
	void *fe_priv;
	struct mtx port_lock;		/* the pool, the status, the counters */
	struct cv pool_cv;
	STAILQ_HEAD(, ctl_scsiio) pool;
	uint64_t dma_rounds;
	uint64_t ios_done;
	TAILQ_ENTRY(ctl_port) links;
};

int ctl_init(void);
void ctl_shutdown(void);
int ctl_port_register(struct ctl_port *port);
void ctl_port_deregister(struct ctl_port *port);
void ctl_port_online(struct ctl_port *port);
void ctl_port_offline(struct ctl_port *port);
int ctl_port_is_online(struct ctl_port *port);
struct ctl_scsiio *ctl_alloc_io(struct ctl_port *port);
void ctl_free_io(struct ctl_scsiio *io);
void ctl_queue(struct ctl_scsiio *io);

#endif
