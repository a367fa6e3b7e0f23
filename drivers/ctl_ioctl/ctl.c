/*
 * kernsim's small CTL core and its RAM backend (our own code, after the
 * behaviour of FreeBSD's CAM Target Layer): ports with a pool of I/Os, and
 * a backend kernel thread ("ctl_be") serving TEST UNIT READY, INQUIRY,
 * READ(10) and WRITE(10) against a RAM LUN of CTL_LUN_BLOCKS blocks.
 *
 * A command that moves data does so in rounds of at most CTL_BE_ROUND
 * bytes: the backend describes the round's LUN bytes as a kernel S/G list of
 * deliberately uneven entries, calls the port's fe_datamove and goes on to
 * other work; the frontend answers with be_move_done, which queues the I/O
 * back to the backend for the next round or the port's fe_done.
 *
 * The LUN starts filled with ctl_lun_pattern(offset) so reads can be
 * checked without a prior write.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kthread.h>

#include "ctl_private.h"

MALLOC_DEFINE(M_CTL, "ctlmem", "Memory used for CTL");
MALLOC_DEFINE(M_CTLIO, "ctlio", "Memory used for CTL I/Os");

struct ctl_softc {
	struct mtx ctl_lock;		/* the port list */
	TAILQ_HEAD(, ctl_port) ports;
	int next_port_id;
	uint8_t *lun;			/* CTL_LUN_BLOCKS * CTL_LUN_BLOCK_SIZE */
	struct mtx be_lock;		/* the backend's queue and life */
	struct cv be_cv;
	STAILQ_HEAD(, ctl_scsiio) be_queue;
	int be_shutdown;
	int be_exited;
};

static struct ctl_softc *control_softc;

/* Uneven kernel S/G entry sizes, cycled through in each round. */
static const uint32_t ctl_kern_sg_sizes[] = { 1000, 24, 512, 300, 212 };

static const uint8_t ctl_inquiry_data[36] = {
	0x00, 0x00, 0x06, 0x02, 31, 0, 0, 0x02,
	'K', 'E', 'R', 'N', 'S', 'I', 'M', ' ',
	'C', 'T', 'L', ' ', 'R', 'A', 'M', 'D',
	'I', 'S', 'K', ' ', ' ', ' ', ' ', ' ',
	'0', '0', '0', '1',
};

static uint8_t
ctl_lun_pattern(uint32_t off)
{
	return ((uint8_t)(off * 7 + off / CTL_LUN_BLOCK_SIZE));
}

static void ctl_be_thread(void *arg);

int
ctl_init(void)
{
	struct ctl_softc *sc;
	uint32_t i;

	sc = malloc(sizeof(*sc), M_CTL, M_WAITOK | M_ZERO);
	mtx_init(&sc->ctl_lock, "CTL mutex", NULL, MTX_DEF);
	TAILQ_INIT(&sc->ports);
	sc->lun = malloc(CTL_LUN_BLOCKS * CTL_LUN_BLOCK_SIZE, M_CTL, M_WAITOK);
	for (i = 0; i < CTL_LUN_BLOCKS * CTL_LUN_BLOCK_SIZE; i++)
		sc->lun[i] = ctl_lun_pattern(i);
	mtx_init(&sc->be_lock, "CTL backend", NULL, MTX_DEF);
	cv_init(&sc->be_cv, "ctl_be");
	STAILQ_INIT(&sc->be_queue);
	control_softc = sc;
	return (kproc_create(ctl_be_thread, sc, NULL, 0, 0, "ctl_be"));
}

void
ctl_shutdown(void)
{
	struct ctl_softc *sc = control_softc;

	/* Stop the backend and wait until it has left its loop. */
	mtx_lock(&sc->be_lock);
	sc->be_shutdown = 1;
	cv_broadcast(&sc->be_cv);
	while (!sc->be_exited)
		cv_wait(&sc->be_cv, &sc->be_lock);
	mtx_unlock(&sc->be_lock);
	KASSERT(TAILQ_EMPTY(&sc->ports), ("ctl_shutdown with ports registered"));
	cv_destroy(&sc->be_cv);
	mtx_destroy(&sc->be_lock);
	mtx_destroy(&sc->ctl_lock);
	free(sc->lun, M_CTL);
	free(sc, M_CTL);
	control_softc = NULL;
}

/* ---- ports ---- */

int
ctl_port_register(struct ctl_port *port)
{
	struct ctl_softc *sc = control_softc;
	struct ctl_scsiio *io;
	int i;

	mtx_init(&port->port_lock, "CTL port", NULL, MTX_DEF);
	cv_init(&port->pool_cv, "ctl_pool");
	STAILQ_INIT(&port->pool);
	for (i = 0; i < CTL_POOL_SIZE; i++) {
		io = malloc(sizeof(*io), M_CTLIO, M_WAITOK | M_ZERO);
		STAILQ_INSERT_TAIL(&port->pool, io, links);
	}
	port->status = 0;
	mtx_lock(&sc->ctl_lock);
	port->targ_port = sc->next_port_id++;
	TAILQ_INSERT_TAIL(&sc->ports, port, links);
	mtx_unlock(&sc->ctl_lock);
	return (0);
}

/*
 * The port's I/Os must all be back in its pool: the frontend drains its
 * users before it deregisters a port.
 */
void
ctl_port_deregister(struct ctl_port *port)
{
	struct ctl_softc *sc = control_softc;
	struct ctl_scsiio *io, *tmp;

	mtx_lock(&sc->ctl_lock);
	TAILQ_REMOVE(&sc->ports, port, links);
	mtx_unlock(&sc->ctl_lock);
	mtx_lock(&port->port_lock);
	STAILQ_FOREACH_SAFE(io, &port->pool, links, tmp) {
		STAILQ_REMOVE(&port->pool, io, ctl_scsiio, links);
		free(io, M_CTLIO);
	}
	mtx_unlock(&port->port_lock);
	cv_destroy(&port->pool_cv);
	mtx_destroy(&port->port_lock);
}

void
ctl_port_online(struct ctl_port *port)
{
	mtx_lock(&port->port_lock);
	port->status |= CTL_PORT_STATUS_ONLINE;
	mtx_unlock(&port->port_lock);
}

void
ctl_port_offline(struct ctl_port *port)
{
	mtx_lock(&port->port_lock);
	port->status &= ~CTL_PORT_STATUS_ONLINE;
	mtx_unlock(&port->port_lock);
}

int
ctl_port_is_online(struct ctl_port *port)
{
	int online;

	mtx_lock(&port->port_lock);
	online = (port->status & CTL_PORT_STATUS_ONLINE) != 0;
	mtx_unlock(&port->port_lock);
	return (online);
}

/* An I/O from the port's pool; sleeps while all of them are in flight. */
struct ctl_scsiio *
ctl_alloc_io(struct ctl_port *port)
{
	struct ctl_scsiio *io;

	mtx_lock(&port->port_lock);
	while (STAILQ_EMPTY(&port->pool))
		cv_wait(&port->pool_cv, &port->port_lock);
	io = STAILQ_FIRST(&port->pool);
	STAILQ_REMOVE_HEAD(&port->pool, links);
	mtx_unlock(&port->port_lock);
	bzero(io, sizeof(*io));
	io->port = port;
	return (io);
}

void
ctl_free_io(struct ctl_scsiio *io)
{
	struct ctl_port *port = io->port;

	mtx_lock(&port->port_lock);
	STAILQ_INSERT_HEAD(&port->pool, io, links);
	cv_signal(&port->pool_cv);
	mtx_unlock(&port->port_lock);
}

/* ---- the path of an I/O ---- */

static void
ctl_be_enqueue(struct ctl_scsiio *io)
{
	struct ctl_softc *sc = control_softc;

	mtx_lock(&sc->be_lock);
	KASSERT((io->hdr_flags & CTL_FLAG_QUEUED) == 0, ("I/O %p queued twice", io));
	io->hdr_flags |= CTL_FLAG_QUEUED;
	STAILQ_INSERT_TAIL(&sc->be_queue, io, links);
	cv_signal(&sc->be_cv);
	mtx_unlock(&sc->be_lock);
}

void
ctl_queue(struct ctl_scsiio *io)
{
	ctl_be_enqueue(io);
}

/* The frontend has moved this round's data (or failed to: port_status). */
static void
ctl_be_move_done(struct ctl_scsiio *io)
{
	KASSERT(io->hdr_flags & CTL_FLAG_DMA_INPROG,
	    ("be_move_done of an I/O with no datamove in progress"));
	io->hdr_flags &= ~CTL_FLAG_DMA_INPROG;
	ctl_be_enqueue(io);
}

static void
ctl_datamove(struct ctl_scsiio *io)
{
	struct ctl_port *port = io->port;

	io->hdr_flags |= CTL_FLAG_DMA_INPROG;
	io->be_move_done = ctl_be_move_done;
	mtx_lock(&port->port_lock);
	port->dma_rounds++;
	mtx_unlock(&port->port_lock);
	port->fe_datamove(io);
}

static void
ctl_done(struct ctl_scsiio *io)
{
	struct ctl_port *port = io->port;

	mtx_lock(&port->port_lock);
	port->ios_done++;
	mtx_unlock(&port->port_lock);
	port->fe_done(io);
}

static void
ctl_set_sense(struct ctl_scsiio *io, uint8_t key, uint8_t asc, uint8_t ascq)
{
	io->uio.status = CTL_SCSI_ERROR;
	io->uio.scsi_status = 0x02;	/* CHECK CONDITION */
	io->uio.sense_key = key;
	io->uio.asc = asc;
	io->uio.ascq = ascq;
}

/* Decodes the CDB: 0 and the bytes to move, or the sense already set. */
static int
ctl_be_start(struct ctl_softc *sc, struct ctl_scsiio *io)
{
	const uint8_t *cdb = io->uio.cdb;
	uint32_t lba, nblocks, dir = io->uio.flags & CTL_FLAG_DATA_MASK;

	io->be_started = 1;
	switch (cdb[0]) {
	case TEST_UNIT_READY:
		io->be_total = 0;
		return (0);
	case INQUIRY:
		if (dir != CTL_FLAG_DATA_IN)
			break;
		io->be_base = (uint8_t *)(uintptr_t)ctl_inquiry_data;
		io->be_total = MIN(((uint32_t)cdb[3] << 8) | cdb[4],
		    (uint32_t)sizeof(ctl_inquiry_data));
		return (0);
	case READ_10:
	case WRITE_10:
		if (dir != (cdb[0] == READ_10 ? CTL_FLAG_DATA_IN : CTL_FLAG_DATA_OUT))
			break;
		lba = ((uint32_t)cdb[2] << 24) | ((uint32_t)cdb[3] << 16) |
		    ((uint32_t)cdb[4] << 8) | cdb[5];
		nblocks = ((uint32_t)cdb[7] << 8) | cdb[8];
		if (lba > CTL_LUN_BLOCKS || nblocks > CTL_LUN_BLOCKS - lba) {
			ctl_set_sense(io, 0x05, 0x21, 0x00);	/* LBA out of range */
			return (1);
		}
		io->be_base = sc->lun + (size_t)lba * CTL_LUN_BLOCK_SIZE;
		io->be_total = nblocks * CTL_LUN_BLOCK_SIZE;
		if (io->be_total > io->uio.ext_data_len) {
			ctl_set_sense(io, 0x05, 0x24, 0x00);	/* invalid field in CDB */
			return (1);
		}
		return (0);
	default:
		ctl_set_sense(io, 0x05, 0x20, 0x00);	/* invalid command opcode */
		return (1);
	}
	ctl_set_sense(io, 0x05, 0x24, 0x00);	/* a direction the command cannot have */
	return (1);
}

/* One step of an I/O: start it, or continue after a datamove round. */
static void
ctl_be_run(struct ctl_softc *sc, struct ctl_scsiio *io)
{
	uint32_t n, left, k, i;

	if (!io->be_started) {
		if (ctl_be_start(sc, io) != 0) {
			ctl_done(io);
			return;
		}
	} else {
		if (io->uio.port_status != CTL_PS_OK) {
			io->uio.status = CTL_ERROR;
			ctl_done(io);
			return;
		}
		io->be_offset += io->kern_data_len;
	}
	if (io->be_offset < io->be_total) {
		n = MIN(io->be_total - io->be_offset, CTL_BE_ROUND);
		io->kern_rel_offset = io->be_offset;
		io->kern_data_len = n;
		for (left = n, i = 0, k = 0; left > 0; i++) {
			uint32_t len = MIN(left,
			    ctl_kern_sg_sizes[(io->be_offset / CTL_BE_ROUND + i) %
			    nitems(ctl_kern_sg_sizes)]);
			if (i == CTL_MAX_KERN_SG - 1)
				len = left;
			io->kern_sg[i].addr = io->be_base + io->be_offset + k;
			io->kern_sg[i].len = len;
			k += len;
			left -= len;
		}
		io->kern_sg_entries = i;
		ctl_datamove(io);
		return;
	}
	io->uio.status = CTL_SUCCESS;
	io->uio.scsi_status = 0;
	ctl_done(io);
}

static void
ctl_be_thread(void *arg)
{
	struct ctl_softc *sc = arg;
	struct ctl_scsiio *io;

	mtx_lock(&sc->be_lock);
	for (;;) {
		while (STAILQ_EMPTY(&sc->be_queue) && !sc->be_shutdown)
			cv_wait(&sc->be_cv, &sc->be_lock);
		io = STAILQ_FIRST(&sc->be_queue);
		if (io == NULL)
			break;		/* shut down, nothing left */
		STAILQ_REMOVE_HEAD(&sc->be_queue, links);
		io->hdr_flags &= ~CTL_FLAG_QUEUED;
		mtx_unlock(&sc->be_lock);
		ctl_be_run(sc, io);
		mtx_lock(&sc->be_lock);
	}
	sc->be_exited = 1;
	cv_broadcast(&sc->be_cv);
	mtx_unlock(&sc->be_lock);
}
