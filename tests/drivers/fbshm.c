/*-
 * fbshm: a ring of 32-bit records shared with user space through mmap(2).
 * The ring is one malloc'd page: a head count, then FBSHM_SLOTS slots.
 * FBSHM_PUT appends a record; a process that mapped the page reads the
 * ring in place, and may write a slot the driver reads back with
 * FBSHM_SLOT.  d_mmap hands back the physical address of the page.
 *
 * The ring lives from MOD_LOAD to MOD_UNLOAD (after destroy_dev): a
 * mapping outlives the close(2) of the descriptor it was made from, and
 * devfs calls d_close at the last close whether or not the device is
 * still mapped somewhere.  (A kldunload while a process still maps the
 * ring frees it under the mapping: destroy_dev waits for threads in the
 * cdev's methods, not for mappings.  The tests show it; a driver that
 * must survive it keeps the ring in a VM object, d_mmap_single.)
 *
 * Build-time switch (for the test suite):
 *   -DSHM_BUG_CLOSEFREE  the ring is made at the first open and freed by
 *                   d_close, as if no mapping could outlive the last close.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/module.h>
#include <sys/conf.h>
#include <sys/malloc.h>
#include <sys/lock.h>
#include <sys/mutex.h>
#include <sys/ioccom.h>
#include <sys/mman.h>
#include <vm/vm.h>
#include <vm/pmap.h>

MALLOC_DEFINE(M_FBSHM, "fbshm", "fbshm ring");

#define	FBSHM_SLOTS	64
#define	FBSHM_PUT	_IOW('S', 1, uint32_t)
#define	FBSHM_HEAD	_IOR('S', 2, uint32_t)
#define	FBSHM_SLOT	_IOWR('S', 3, uint32_t)	/* in: index, out: its value */

struct fbshm_ring {
	uint32_t	head;			/* records put so far */
	uint32_t	slot[FBSHM_SLOTS];
};

static struct mtx shm_mtx;
static struct fbshm_ring *shm_ring;	/* under shm_mtx */
static struct cdev *shm_dev;

static struct fbshm_ring *
shm_alloc(void)
{
	return (malloc(PAGE_SIZE, M_FBSHM, M_WAITOK | M_ZERO));
}

static int
shm_open(struct cdev *dev, int oflags, int devtype, struct thread *td)
{
#ifdef SHM_BUG_CLOSEFREE
	struct fbshm_ring *r;

	r = shm_alloc();
	mtx_lock(&shm_mtx);
	if (shm_ring == NULL) {
		shm_ring = r;
		r = NULL;
	}
	mtx_unlock(&shm_mtx);
	free(r, M_FBSHM);
#endif
	return (0);
}

static int
shm_close(struct cdev *dev, int fflag, int devtype, struct thread *td)
{
#ifdef SHM_BUG_CLOSEFREE
	struct fbshm_ring *r;

	mtx_lock(&shm_mtx);
	r = shm_ring;
	shm_ring = NULL;
	mtx_unlock(&shm_mtx);
	free(r, M_FBSHM);
#endif
	return (0);
}

static int
shm_ioctl(struct cdev *dev, u_long cmd, caddr_t data, int fflag, struct thread *td)
{
	uint32_t *v = (uint32_t *)data;
	int error = 0;

	mtx_lock(&shm_mtx);
	if (shm_ring == NULL) {
		mtx_unlock(&shm_mtx);
		return (ENXIO);
	}
	switch (cmd) {
	case FBSHM_PUT:
		shm_ring->slot[shm_ring->head % FBSHM_SLOTS] = *v;
		shm_ring->head++;
		break;
	case FBSHM_HEAD:
		*v = shm_ring->head;
		break;
	case FBSHM_SLOT:
		if (*v >= FBSHM_SLOTS)
			error = EINVAL;
		else
			*v = shm_ring->slot[*v];
		break;
	default:
		error = ENOTTY;
	}
	mtx_unlock(&shm_mtx);
	return (error);
}

static int
shm_mmap(struct cdev *dev, vm_ooffset_t offset, vm_paddr_t *paddr, int nprot,
    vm_memattr_t *memattr)
{
	int error = 0;

	if (offset < 0 || offset >= PAGE_SIZE)
		return (EINVAL);
	mtx_lock(&shm_mtx);
	if (shm_ring == NULL)
		error = ENXIO;
	else
		*paddr = vtophys((char *)shm_ring + offset);
	mtx_unlock(&shm_mtx);
	return (error);
}

static struct cdevsw shm_cdevsw = {
	.d_version =	D_VERSION,
	.d_open =	shm_open,
	.d_close =	shm_close,
	.d_ioctl =	shm_ioctl,
	.d_mmap =	shm_mmap,
	.d_name =	"fbshm",
};

static int
shm_modevent(module_t mod, int type, void *data)
{
	switch (type) {
	case MOD_LOAD:
		mtx_init(&shm_mtx, "fbshm", NULL, MTX_DEF);
#ifndef SHM_BUG_CLOSEFREE
		shm_ring = shm_alloc();
#endif
		shm_dev = make_dev(&shm_cdevsw, 0, UID_ROOT, GID_WHEEL, 0666, "fbshm");
		return (0);
	case MOD_UNLOAD:
		destroy_dev(shm_dev);
		free(shm_ring, M_FBSHM);
		shm_ring = NULL;
		mtx_destroy(&shm_mtx);
		return (0);
	default:
		return (EOPNOTSUPP);
	}
}

DEV_MODULE(fbshm, shm_modevent, NULL);
