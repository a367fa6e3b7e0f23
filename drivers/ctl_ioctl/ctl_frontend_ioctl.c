/*
 * ctl_ioctl: kernsim's CTL ioctl frontend (our own code, after the
 * behaviour of FreeBSD's ctl_frontend_ioctl.c) on the FreeBSD personality.
 *
 * CTL_IO: the submitter takes an I/O from the port's pool, fills it from
 * the user's struct ctl_io, queues it to the core and sleeps on the
 * request's condvar ("sem", interlock "ioctl_mtx") while the backend calls
 * the port back: fe_datamove sets the state to DATAMOVE, fe_done to DONE,
 * each with a broadcast. The submitter checks the state before it sleeps
 * (a callback may come first), resets it to NONE when it takes a datamove,
 * moves the round's data itself (it is the thread in the user's address
 * space) and answers be_move_done.
 *
 * The data move walks the kernel's S/G list of the round and the user's
 * (copied in on each round; a flat buffer is a list of one) with a
 * watermark on each side, so entries of any sizes line up; a copy fault
 * stops the move with a port_status (ctl_ioctl.h).
 *
 * CTL_PORT_REQ: create a port (pp/vp given or picked; a duplicate pair is
 * refused) with its own device node /dev/cam/ctl<pp>.<vp>, remove one (not
 * the default port, which is /dev/cam/ctl), or set one on- or offline. A
 * removed port's node is destroyed first, which waits for the CTL_IO
 * submitters inside it, and only then is the port freed.
 *
 * Bug variants (KS_VARIANT, kernsim explore --variant NAME):
 *   no_state_check        the submitter sleeps on sem without looking at the
 *                         state: a datamove or done that came first is lost
 *                         (stuck in cv_wait on sem).
 *   no_state_reset        the state is not reset after a datamove: the
 *                         submitter takes the stale DATAMOVE again and again,
 *                         finding no move in progress, and spins without
 *                         sleeping (step budget exceeded).
 *   port_remove_inflight  port removal frees the port before its node is
 *                         destroyed, with a CTL_IO still in flight on it: the
 *                         backend then locks the freed port (use after free).
 *   sg_watermark          the S/G walk addresses the user's entry with the
 *                         kernel side's watermark: with uneven lists, data
 *                         lands at the wrong offsets (caught by data checks).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/conf.h>
#include <sys/kernel.h>
#include <sys/module.h>
#include <sys/nv.h>
#include <sys/dnv.h>
#include <sys/kernsim.h>

#include "ctl_private.h"

typedef enum {
	CFI_MT_NONE,		/* in progress: nothing for the submitter */
	CFI_MT_DATAMOVE,
	CFI_MT_DONE
} cfi_mt_state;

struct cfi_io_params {
	struct mtx ioctl_mtx;
	struct cv sem;
	cfi_mt_state state;
};

struct cfi_port {
	struct ctl_port port;
	struct cdev *dev;
	int pp, vp;
	int is_default;
	int ready;		/* created in full: remove and modify may find it */
	TAILQ_ENTRY(cfi_port) link;
};

struct cfi_softc {
	struct mtx lock;		/* the port list */
	TAILQ_HEAD(, cfi_port) ports;
	struct cfi_port *default_port;
};

static struct cfi_softc *cfi_softc;

static d_ioctl_t cfi_ioctl;

static struct cdevsw cfi_cdevsw = {
	.d_version = D_VERSION,
	.d_name = "ctl",
	.d_ioctl = cfi_ioctl,
};

static int
cfi_variant(const char *name)
{
	return (KS_VARIANT(CTL_DRV, name));
}

/* ---- callbacks from the core (the backend thread) ---- */

static void
cfi_datamove(struct ctl_scsiio *io)
{
	struct cfi_io_params *params = io->fe_priv;

	mtx_lock(&params->ioctl_mtx);
	params->state = CFI_MT_DATAMOVE;
	cv_broadcast(&params->sem);
	mtx_unlock(&params->ioctl_mtx);
}

static void
cfi_done(struct ctl_scsiio *io)
{
	struct cfi_io_params *params = io->fe_priv;

	mtx_lock(&params->ioctl_mtx);
	params->state = CFI_MT_DONE;
	cv_broadcast(&params->sem);
	mtx_unlock(&params->ioctl_mtx);
}

/* ---- the data move, in the submitter's context ---- */

static void
cfi_do_datamove(struct ctl_scsiio *io)
{
	struct ctl_io *u = &io->uio;
	struct ctl_sg_entry one, *usg;
	uint32_t nu, ui, ki, kwm, uwm, skip, moved;
	int read = (u->flags & CTL_FLAG_DATA_MASK) == CTL_FLAG_DATA_IN;
	int err;

	/* The user's list: copied in each round (it is the user's memory). */
	if (u->flags & CTL_FLAG_EDPTR_SGLIST) {
		nu = u->ext_sg_entries;
		usg = malloc(nu * sizeof(*usg), M_CTLIO, M_WAITOK);
		if (copyin((void *)(uintptr_t)u->ext_data_ptr, usg, nu * sizeof(*usg)) != 0) {
			u->port_status = CTL_PS_SGLIST_COPYIN;
			goto out;
		}
	} else {
		nu = 1;
		one.addr = u->ext_data_ptr;
		one.len = u->ext_data_len;
		usg = &one;
	}

	/* Find the user's position: ext_data_filled bytes into the list. */
	for (ui = 0, skip = u->ext_data_filled; ui < nu && skip >= usg[ui].len; ui++)
		skip -= (uint32_t)usg[ui].len;
	uwm = skip;
	ki = 0;
	kwm = 0;
	moved = 0;
	while (ki < io->kern_sg_entries) {
		uint32_t klen = io->kern_sg[ki].len, len, uoff;
		uint64_t ulen;

		if (ui >= nu) {
			u->port_status = CTL_PS_SGLIST_SHORT;
			break;
		}
		ulen = usg[ui].len;
		len = MIN(klen - kwm, (uint32_t)MIN(ulen - uwm, UINT32_MAX));
		/* The variant addresses the user's entry by the kernel's watermark. */
		uoff = cfi_variant("sg_watermark") ? kwm : uwm;
		if (read)
			err = copyout(io->kern_sg[ki].addr + kwm,
			    (void *)(uintptr_t)(usg[ui].addr + uoff), len);
		else
			err = copyin((void *)(uintptr_t)(usg[ui].addr + uoff),
			    io->kern_sg[ki].addr + kwm, len);
		if (err != 0) {
			u->port_status = read ? CTL_PS_DATA_COPYOUT : CTL_PS_DATA_COPYIN;
			break;
		}
		moved += len;
		kwm += len;
		uwm += len;
		if (kwm == klen) {
			ki++;
			kwm = 0;
		}
		if (uwm == ulen) {
			ui++;
			uwm = 0;
		}
	}
	u->ext_data_filled += moved;
out:
	if (usg != &one)
		free(usg, M_CTLIO);
}

/* Sleeps until the backend calls back; serves datamoves until done. */
static void
cfi_submit_wait(struct ctl_scsiio *io, struct cfi_io_params *params)
{
	cfi_mt_state last;

	for (;;) {
		mtx_lock(&params->ioctl_mtx);
		if (cfi_variant("no_state_check")) {
			cv_wait(&params->sem, &params->ioctl_mtx);
		} else {
			while (params->state == CFI_MT_NONE)
				cv_wait(&params->sem, &params->ioctl_mtx);
		}
		last = params->state;
		if (!(cfi_variant("no_state_reset") && last == CFI_MT_DATAMOVE))
			params->state = CFI_MT_NONE;
		mtx_unlock(&params->ioctl_mtx);

		if (last == CFI_MT_DONE)
			break;
		if (last == CFI_MT_DATAMOVE) {
			/* Only a round the core has in progress is moved. */
			if ((io->hdr_flags & CTL_FLAG_DMA_INPROG) == 0)
				continue;
			cfi_do_datamove(io);
			io->be_move_done(io);
		}
	}
}

static int
cfi_submit(struct cfi_port *cp, struct ctl_io *uio)
{
	struct ctl_port *port = &cp->port;
	struct ctl_scsiio *io;
	struct cfi_io_params params;
	uint32_t dir = uio->flags & CTL_FLAG_DATA_MASK;

	if (!ctl_port_is_online(port))
		return (EPERM);
	if (uio->io_type != CTL_IO_SCSI || uio->cdb_len == 0 || uio->cdb_len > 16 ||
	    dir == 0 || ((uio->flags & CTL_FLAG_EDPTR_SGLIST) &&
	    (uio->ext_sg_entries == 0 || uio->ext_sg_entries > CTL_MAX_USER_SG)))
		return (EINVAL);

	io = ctl_alloc_io(port);
	io->uio = *uio;
	io->uio.ext_data_filled = 0;
	io->uio.status = CTL_STATUS_NONE;
	io->uio.port_status = CTL_PS_OK;
	io->uio.scsi_status = 0;
	io->uio.sense_key = io->uio.asc = io->uio.ascq = 0;
	io->uio.residual = 0;

	mtx_init(&params.ioctl_mtx, "ctlioc", NULL, MTX_DEF);
	cv_init(&params.sem, "ctlioccv");
	params.state = CFI_MT_NONE;
	io->fe_priv = &params;

	ctl_queue(io);
	cfi_submit_wait(io, &params);

	io->uio.residual = io->uio.ext_data_len - MIN(io->uio.ext_data_filled,
	    io->uio.ext_data_len);
	*uio = io->uio;
	cv_destroy(&params.sem);
	mtx_destroy(&params.ioctl_mtx);
	ctl_free_io(io);
	return (0);
}

/* ---- ports ---- */

static struct cfi_port *
cfi_port_alloc(int pp, int vp, int is_default)
{
	struct cfi_port *cp;

	cp = malloc(sizeof(*cp), M_CTL, M_WAITOK | M_ZERO);
	cp->pp = pp;
	cp->vp = vp;
	cp->is_default = is_default;
	cp->port.port_name = "ioctl";
	cp->port.physical_port = pp;
	cp->port.virtual_port = vp;
	cp->port.fe_datamove = cfi_datamove;
	cp->port.fe_done = cfi_done;
	cp->port.fe_priv = cp;
	return (cp);
}

static int
cfi_port_make_dev(struct cfi_port *cp)
{
	struct make_dev_args args;

	make_dev_args_init(&args);
	args.mda_devsw = &cfi_cdevsw;
	args.mda_uid = UID_ROOT;
	args.mda_gid = GID_OPERATOR;
	args.mda_mode = 0600;
	args.mda_si_drv1 = cp;
	if (cp->is_default)
		return (make_dev_s(&args, &cp->dev, "cam/ctl"));
	return (make_dev_s(&args, &cp->dev, "cam/ctl%d.%d", cp->pp, cp->vp));
}

static void
cfi_req_error(struct ctl_req *req, const char *msg)
{
	req->status = CTL_LUN_ERROR;
	snprintf(req->error_str, sizeof(req->error_str), "%s", msg);
}

static struct cfi_port *
cfi_port_find(int port_id)
{
	struct cfi_port *cp;

	mtx_assert(&cfi_softc->lock, MA_OWNED);
	TAILQ_FOREACH(cp, &cfi_softc->ports, link)
		if (cp->ready && cp->port.targ_port == port_id)
			return (cp);
	return (NULL);
}

static void
cfi_port_create(struct ctl_req *req, nvlist_t *nvl)
{
	struct cfi_port *cp, *it;
	int pp, vp, error;

	pp = (int)dnvlist_get_number(nvl, "pp", (uint64_t)-1);
	vp = (int)dnvlist_get_number(nvl, "vp", 0);
	/*
	 * M_WAITOK may sleep: never with the frontend's mutex held (WITNESS:
	 * "malloc(M_WAITOK) ... with the following non-sleepable locks held").
	 */
	cp = cfi_port_alloc(0, 0, 0);
	mtx_lock(&cfi_softc->lock);
	if (pp == -1) {
		/* Pick the lowest physical port no port uses. */
		for (pp = 1;; pp++) {
			TAILQ_FOREACH(it, &cfi_softc->ports, link)
				if (it->pp == pp)
					break;
			if (it == NULL)
				break;
		}
	}
	TAILQ_FOREACH(it, &cfi_softc->ports, link) {
		if (it->pp == pp && it->vp == vp) {
			mtx_unlock(&cfi_softc->lock);
			free(cp, M_CTL);
			snprintf(req->error_str, sizeof(req->error_str),
			    "port %d.%d already exists", pp, vp);
			req->status = CTL_LUN_ERROR;
			return;
		}
	}
	cp->pp = cp->port.physical_port = pp;
	cp->vp = cp->port.virtual_port = vp;
	/* On the list before the lock is dropped: a racing create sees it. */
	TAILQ_INSERT_TAIL(&cfi_softc->ports, cp, link);
	mtx_unlock(&cfi_softc->lock);

	ctl_port_register(&cp->port);
	error = cfi_port_make_dev(cp);
	if (error != 0) {
		mtx_lock(&cfi_softc->lock);
		TAILQ_REMOVE(&cfi_softc->ports, cp, link);
		mtx_unlock(&cfi_softc->lock);
		ctl_port_deregister(&cp->port);
		free(cp, M_CTL);
		cfi_req_error(req, "cannot create the port's device");
		return;
	}
	ctl_port_online(&cp->port);
	/*
	 * Published last. A port is on the list from the start (a racing create
	 * of the same pp/vp must see it), but until here a remove or modify that
	 * found it would destroy a node not made yet (destroy_dev of NULL) or
	 * deregister a port this thread then onlines (a destroyed port_lock):
	 * both found by the ioctl fuzzer. A plain store: kernsim's threads never
	 * run at once (a kernel would use atomic_store_rel_int).
	 */
	cp->ready = 1;
	req->status = CTL_LUN_OK;
	req->result_port_id = cp->port.targ_port;
}

/* Offline, destroy the node (draining its submitters), deregister, free. */
static void
cfi_port_destroy(struct cfi_port *cp)
{
	struct cdev *dev = cp->dev;

	ctl_port_offline(&cp->port);
	if (cfi_variant("port_remove_inflight")) {
		ctl_port_deregister(&cp->port);
		free(cp, M_CTL);
		destroy_dev(dev);
		return;
	}
	destroy_dev(dev);
	ctl_port_deregister(&cp->port);
	free(cp, M_CTL);
}

static void
cfi_port_remove(struct ctl_req *req, nvlist_t *nvl)
{
	struct cfi_port *cp;
	int port_id;

	if (!nvlist_exists_number(nvl, "port_id")) {
		cfi_req_error(req, "missing port_id argument");
		return;
	}
	port_id = (int)nvlist_get_number(nvl, "port_id");
	mtx_lock(&cfi_softc->lock);
	cp = cfi_port_find(port_id);
	if (cp == NULL || cp->is_default) {
		mtx_unlock(&cfi_softc->lock);
		cfi_req_error(req, cp == NULL ? "no such port" :
		    "the default port cannot be removed");
		return;
	}
	TAILQ_REMOVE(&cfi_softc->ports, cp, link);
	mtx_unlock(&cfi_softc->lock);
	cfi_port_destroy(cp);
	req->status = CTL_LUN_OK;
}

static void
cfi_port_modify(struct ctl_req *req, nvlist_t *nvl)
{
	struct cfi_port *cp;
	int port_id, online;

	port_id = (int)dnvlist_get_number(nvl, "port_id", 0);
	online = (int)dnvlist_get_number(nvl, "online", 1);
	mtx_lock(&cfi_softc->lock);
	cp = cfi_port_find(port_id);
	if (cp == NULL) {
		mtx_unlock(&cfi_softc->lock);
		cfi_req_error(req, "no such port");
		return;
	}
	/* Under the list lock: removal cannot free it meanwhile. */
	if (online)
		ctl_port_online(&cp->port);
	else
		ctl_port_offline(&cp->port);
	mtx_unlock(&cfi_softc->lock);
	req->status = CTL_LUN_OK;
}

static int
cfi_port_req(struct ctl_req *req)
{
	nvlist_t *nvl = NULL;
	void *packed;

	req->error_str[sizeof(req->error_str) - 1] = '\0';
	req->result_port_id = -1;
	if (strncmp(req->driver, "ioctl", sizeof(req->driver)) != 0) {
		cfi_req_error(req, "no such frontend");
		return (0);
	}
	if (req->args_len > 4096)
		return (EINVAL);
	if (req->args_len > 0) {
		packed = malloc(req->args_len, M_CTL, M_WAITOK);
		if (copyin((void *)(uintptr_t)req->args, packed, req->args_len) != 0) {
			free(packed, M_CTL);
			return (EFAULT);
		}
		nvl = nvlist_unpack(packed, req->args_len, 0);
		free(packed, M_CTL);
		if (nvl == NULL) {
			cfi_req_error(req, "malformed arguments");
			return (0);
		}
	} else {
		nvl = nvlist_create(0);
	}
	switch (req->reqtype) {
	case CTL_REQ_CREATE:
		cfi_port_create(req, nvl);
		break;
	case CTL_REQ_REMOVE:
		cfi_port_remove(req, nvl);
		break;
	case CTL_REQ_MODIFY:
		cfi_port_modify(req, nvl);
		break;
	default:
		cfi_req_error(req, "unknown request type");
		break;
	}
	nvlist_destroy(nvl);
	return (0);
}

static int
cfi_ioctl(struct cdev *dev, u_long cmd, caddr_t addr, int flag, struct thread *td)
{
	struct cfi_port *cp = dev->si_drv1;

	switch (cmd) {
	case CTL_IO:
		return (cfi_submit(cp, (struct ctl_io *)addr));
	case CTL_PORT_REQ:
		if (!cp->is_default)
			return (ENOTTY);
		return (cfi_port_req((struct ctl_req *)addr));
	default:
		return (ENOTTY);
	}
}

/* ---- the module ---- */

static int
cfi_load(void)
{
	struct cfi_port *cp;
	int error;

	error = ctl_init();
	if (error != 0)
		return (error);
	cfi_softc = malloc(sizeof(*cfi_softc), M_CTL, M_WAITOK | M_ZERO);
	mtx_init(&cfi_softc->lock, "CTL frontend", NULL, MTX_DEF);
	TAILQ_INIT(&cfi_softc->ports);
	cp = cfi_port_alloc(0, 0, 1);
	ctl_port_register(&cp->port);
	error = cfi_port_make_dev(cp);
	if (error != 0)
		return (error);
	cfi_softc->default_port = cp;
	TAILQ_INSERT_TAIL(&cfi_softc->ports, cp, link);
	ctl_port_online(&cp->port);
	cp->ready = 1;
	return (0);
}

static int
cfi_unload(void)
{
	struct cfi_port *cp;

	/*
	 * Files may still be open and ioctls in flight: destroy_dev drains a
	 * port's ioctls, and while it waits on the default port a
	 * CTL_PORT_REQ may create a port or remove one. So take the list's
	 * head again each time round, never a successor read before the
	 * lock was dropped.
	 */
	mtx_lock(&cfi_softc->lock);
	while ((cp = TAILQ_FIRST(&cfi_softc->ports)) != NULL) {
		TAILQ_REMOVE(&cfi_softc->ports, cp, link);
		mtx_unlock(&cfi_softc->lock);
		cfi_port_destroy(cp);
		mtx_lock(&cfi_softc->lock);
	}
	mtx_unlock(&cfi_softc->lock);
	mtx_destroy(&cfi_softc->lock);
	free(cfi_softc, M_CTL);
	cfi_softc = NULL;
	ctl_shutdown();
	return (0);
}

static int
cfi_modevent(module_t mod, int type, void *arg)
{
	switch (type) {
	case MOD_LOAD:
		return (cfi_load());
	case MOD_UNLOAD:
		return (cfi_unload());
	default:
		return (EOPNOTSUPP);
	}
}

static moduledata_t cfi_moduledata = {
	"ctl_ioctl",
	cfi_modevent,
	NULL
};
DECLARE_MODULE(ctl_ioctl, cfi_moduledata, SI_SUB_CONFIGURE, SI_ORDER_THIRD);

static const char *const cfi_variants[] = {
	"no_state_check", "the CTL_IO submitter sleeps on sem without checking the state: "
	    "a datamove or done callback that fires first is lost (stuck)",
	"no_state_reset", "the state is not reset to in-progress after a datamove: the "
	    "submitter spins on the stale DATAMOVE (step budget exceeded)",
	"port_remove_inflight", "CTL_PORT_REQ remove frees the port before destroying its "
	    "node, with an I/O in flight (use after free of the port)",
	"sg_watermark", "the S/G walk offsets the user's entry by the kernel's watermark "
	    "(data corruption with uneven lists)",
	NULL
};
KS_FREEBSD_DRIVER(ctl_ioctl, cfi_variants, cfi_moduledata);
