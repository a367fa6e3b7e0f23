/*
 * ilshm (tests/python/test_ildevmap.py): written as an illumos engineer
 * writes a driver, outside kernsim's idioms.  A pseudo driver that shares
 * a ring of 32-bit records with user space through mmap(2): devmap(9E)
 * over memory from ddi_umem_alloc(9F), reached through ddi_devmap_segmap.
 * The ring is a head count, then ILSHM_SLOTS slots.  ILSHM_PUT appends a
 * record, ILSHM_SLOT reads one back, ILSHM_GROW replaces the ring with a
 * larger one (zeroed), ILSHM_STAT tells how many times close(9E) ran,
 * ILSHM_MODEL the data model devmap(9E) was last given.
 *
 * The ring is made at the first open and freed in close(9E): specfs calls
 * close(9E) only when no open and no mapped page remain (spec_close,
 * spec_delmap), so a mapping never outlives it.  ILSHM_GROW refuses
 * (EBUSY) to free a ring a process maps, since ddi_umem_free frees at
 * once: devmap(9E) counts a mapping when it sets its handle up, under the
 * lock GROW takes, and devmap_unmap uncounts it.  (Counting in devmap_map
 * is too late: devmap_setup calls it only after the mapping is made, and
 * a GROW in between frees the ring being mapped.  A mapping that fails
 * after devmap(9E) stays counted until close(9E), which resets the count:
 * nothing is mapped then.)
 *
 * Build-time switches (for the test suite):
 *   -DILSHM_BUG_GROW       ILSHM_GROW frees the old ring whether or not a
 *                          process still maps it.
 *   -DILSHM_BUG_LATECOUNT  the mapping is counted in devmap_map.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/errno.h>
#include <sys/stat.h>
#include <sys/file.h>
#include <sys/open.h>
#include <sys/cred.h>
#include <sys/kmem.h>
#include <sys/ksynch.h>
#include <sys/conf.h>
#include <sys/modctl.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/ddidevmap.h>

#define	ILSHM_IOC	('H' << 8)
#define	ILSHM_PUT	(ILSHM_IOC | 1)	/* in: a record */
#define	ILSHM_SLOT	(ILSHM_IOC | 2)	/* in: index, out: its value */
#define	ILSHM_GROW	(ILSHM_IOC | 3)
#define	ILSHM_STAT	(ILSHM_IOC | 4)	/* out: close(9E) calls */
#define	ILSHM_MODEL	(ILSHM_IOC | 5)	/* out: devmap(9E)'s last model */

#define	ILSHM_SLOTS	64

typedef struct ilshm_ring {
	uint32_t	r_head;			/* records put so far */
	uint32_t	r_slot[ILSHM_SLOTS];
} ilshm_ring_t;

typedef struct ilshm_state {
	dev_info_t		*s_dip;
	kmutex_t		s_lock;
	ilshm_ring_t		*s_ring;	/* under s_lock */
	ddi_umem_cookie_t	s_cookie;
	size_t			s_size;
	uint_t			s_maps;		/* devmap handles mapped */
	uint32_t		s_closes;
	uint32_t		s_model;	/* devmap(9E)'s last model */
} ilshm_state_t;

static void *ilshm_statep;

static ilshm_state_t *
ilshm_get(dev_t dev)
{
	return (ddi_get_soft_state(ilshm_statep, getminor(dev)));
}

/*ARGSUSED*/
static int
ilshm_open(dev_t *devp, int flag, int otyp, cred_t *cr)
{
	ilshm_state_t *sp;
	ddi_umem_cookie_t cookie;
	void *ring;

	if (otyp != OTYP_CHR)
		return (EINVAL);
	if ((sp = ilshm_get(*devp)) == NULL)
		return (ENXIO);
	ring = ddi_umem_alloc(PAGESIZE, DDI_UMEM_SLEEP, &cookie);
	mutex_enter(&sp->s_lock);
	if (sp->s_ring == NULL) {
		sp->s_ring = ring;
		sp->s_cookie = cookie;
		sp->s_size = PAGESIZE;
		cookie = NULL;
	}
	mutex_exit(&sp->s_lock);
	ddi_umem_free(cookie);
	return (0);
}

/*ARGSUSED*/
static int
ilshm_close(dev_t dev, int flag, int otyp, cred_t *cr)
{
	ilshm_state_t *sp = ilshm_get(dev);
	ddi_umem_cookie_t cookie;

	mutex_enter(&sp->s_lock);
	cookie = sp->s_cookie;
	sp->s_ring = NULL;
	sp->s_cookie = NULL;
	sp->s_size = 0;
	sp->s_maps = 0;
	sp->s_closes++;
	mutex_exit(&sp->s_lock);
	ddi_umem_free(cookie);
	return (0);
}

/*ARGSUSED*/
static int
ilshm_ioctl(dev_t dev, int cmd, intptr_t arg, int mode, cred_t *cr, int *rvalp)
{
	ilshm_state_t *sp = ilshm_get(dev);
	ddi_umem_cookie_t cookie, old;
	void *ring;
	uint32_t v;
	int error = 0;

	switch (cmd) {
	case ILSHM_PUT:
		if (ddi_copyin((void *)arg, &v, sizeof (v), mode) != 0)
			return (EFAULT);
		mutex_enter(&sp->s_lock);
		sp->s_ring->r_slot[sp->s_ring->r_head % ILSHM_SLOTS] = v;
		sp->s_ring->r_head++;
		mutex_exit(&sp->s_lock);
		return (0);
	case ILSHM_SLOT:
		if (ddi_copyin((void *)arg, &v, sizeof (v), mode) != 0)
			return (EFAULT);
		if (v >= ILSHM_SLOTS)
			return (EINVAL);
		mutex_enter(&sp->s_lock);
		v = sp->s_ring->r_slot[v];
		mutex_exit(&sp->s_lock);
		return (ddi_copyout(&v, (void *)arg, sizeof (v), mode) != 0 ?
		    EFAULT : 0);
	case ILSHM_STAT:
	case ILSHM_MODEL:
		mutex_enter(&sp->s_lock);
		v = cmd == ILSHM_STAT ? sp->s_closes : sp->s_model;
		mutex_exit(&sp->s_lock);
		return (ddi_copyout(&v, (void *)arg, sizeof (v), mode) != 0 ?
		    EFAULT : 0);
	case ILSHM_GROW:
		ring = ddi_umem_alloc(2 * PAGESIZE, DDI_UMEM_SLEEP, &cookie);
		mutex_enter(&sp->s_lock);
#ifndef ILSHM_BUG_GROW
		if (sp->s_maps != 0) {
			mutex_exit(&sp->s_lock);
			ddi_umem_free(cookie);
			return (EBUSY);
		}
#endif
		old = sp->s_cookie;
		sp->s_ring = ring;
		sp->s_cookie = cookie;
		sp->s_size = 2 * PAGESIZE;
		mutex_exit(&sp->s_lock);
		ddi_umem_free(old);
		return (error);
	}
	return (ENOTTY);
}

/*ARGSUSED*/
static int
ilshm_map(devmap_cookie_t dhp, dev_t dev, uint_t flags, offset_t off, size_t len,
    void **pvtp)
{
	ilshm_state_t *sp = ilshm_get(dev);

#ifdef ILSHM_BUG_LATECOUNT
	mutex_enter(&sp->s_lock);
	sp->s_maps++;
	mutex_exit(&sp->s_lock);
#endif
	*pvtp = sp;
	return (0);
}

/*ARGSUSED*/
static void
ilshm_unmap(devmap_cookie_t dhp, void *pvtp, offset_t off, size_t len,
    devmap_cookie_t new_dhp1, void **new_pvtp1, devmap_cookie_t new_dhp2,
    void **new_pvtp2)
{
	ilshm_state_t *sp = pvtp;

	/* a partial unmap leaves one or two handles mapped */
	mutex_enter(&sp->s_lock);
	if (new_dhp1 != NULL)
		*new_pvtp1 = sp;
	if (new_dhp2 != NULL)
		*new_pvtp2 = sp;
	if (new_dhp1 == NULL && new_dhp2 == NULL)
		sp->s_maps--;
	else if (new_dhp1 != NULL && new_dhp2 != NULL)
		sp->s_maps++;
	mutex_exit(&sp->s_lock);
}

static struct devmap_callback_ctl ilshm_callbacks = {
	.devmap_rev =		DEVMAP_OPS_REV,
	.devmap_map =		ilshm_map,
	.devmap_access =	NULL,
	.devmap_dup =		NULL,
	.devmap_unmap =		ilshm_unmap
};

/*ARGSUSED*/
static int
ilshm_devmap(dev_t dev, devmap_cookie_t dhp, offset_t off, size_t len, size_t *maplen,
    uint_t model)
{
	ilshm_state_t *sp = ilshm_get(dev);
	size_t length = ptob(btopr(len));
	int error = 0;

	mutex_enter(&sp->s_lock);
	sp->s_model = model;
	if (sp->s_ring == NULL || off < 0 || off + length > sp->s_size)
		error = ENXIO;
	else if (devmap_umem_setup(dhp, sp->s_dip, &ilshm_callbacks, sp->s_cookie,
	    off, length, PROT_ALL, DEVMAP_DEFAULTS, NULL) != DDI_SUCCESS)
		error = ENXIO;
	else {
		*maplen = length;
#ifndef ILSHM_BUG_LATECOUNT
		sp->s_maps++;
#endif
	}
	mutex_exit(&sp->s_lock);
	return (error);
}

static int
ilshm_attach(dev_info_t *dip, ddi_attach_cmd_t cmd)
{
	int inst = ddi_get_instance(dip);
	ilshm_state_t *sp;

	if (cmd != DDI_ATTACH)
		return (DDI_FAILURE);
	if (ddi_soft_state_zalloc(ilshm_statep, inst) != DDI_SUCCESS)
		return (DDI_FAILURE);
	sp = ddi_get_soft_state(ilshm_statep, inst);
	sp->s_dip = dip;
	mutex_init(&sp->s_lock, NULL, MUTEX_DRIVER, NULL);
	if (ddi_create_minor_node(dip, "ilshm", S_IFCHR, inst, DDI_PSEUDO, 0) !=
	    DDI_SUCCESS) {
		mutex_destroy(&sp->s_lock);
		ddi_soft_state_free(ilshm_statep, inst);
		return (DDI_FAILURE);
	}
	return (DDI_SUCCESS);
}

static int
ilshm_detach(dev_info_t *dip, ddi_detach_cmd_t cmd)
{
	int inst = ddi_get_instance(dip);
	ilshm_state_t *sp = ddi_get_soft_state(ilshm_statep, inst);

	if (cmd != DDI_DETACH)
		return (DDI_FAILURE);
	/* closed: close(9E) freed the ring */
	ddi_remove_minor_node(dip, NULL);
	mutex_destroy(&sp->s_lock);
	ddi_soft_state_free(ilshm_statep, inst);
	return (DDI_SUCCESS);
}

/*ARGSUSED*/
static int
ilshm_getinfo(dev_info_t *dip, ddi_info_cmd_t infocmd, void *arg, void **result)
{
	ilshm_state_t *sp;

	switch (infocmd) {
	case DDI_INFO_DEVT2DEVINFO:
		sp = ilshm_get((dev_t)arg);
		if (sp == NULL)
			return (DDI_FAILURE);
		*result = sp->s_dip;
		return (DDI_SUCCESS);
	case DDI_INFO_DEVT2INSTANCE:
		*result = (void *)(uintptr_t)getminor((dev_t)arg);
		return (DDI_SUCCESS);
	}
	return (DDI_FAILURE);
}

static struct cb_ops ilshm_cb_ops = {
	.cb_open =	ilshm_open,
	.cb_close =	ilshm_close,
	.cb_strategy =	nodev,
	.cb_print =	nodev,
	.cb_dump =	nodev,
	.cb_read =	nodev,
	.cb_write =	nodev,
	.cb_ioctl =	ilshm_ioctl,
	.cb_devmap =	ilshm_devmap,
	.cb_mmap =	nodev,
	.cb_segmap =	ddi_devmap_segmap,
	.cb_chpoll =	nochpoll,
	.cb_prop_op =	ddi_prop_op,
	.cb_str =	NULL,
	.cb_flag =	D_MP | D_DEVMAP,
	.cb_rev =	CB_REV,
	.cb_aread =	nodev,
	.cb_awrite =	nodev
};

static struct dev_ops ilshm_dev_ops = {
	.devo_rev =		DEVO_REV,
	.devo_refcnt =		0,
	.devo_getinfo =		ilshm_getinfo,
	.devo_identify =	nulldev,
	.devo_probe =		nulldev,
	.devo_attach =		ilshm_attach,
	.devo_detach =		ilshm_detach,
	.devo_reset =		nodev,
	.devo_cb_ops =		&ilshm_cb_ops,
	.devo_bus_ops =		NULL,
	.devo_power =		NULL,
	.devo_quiesce =		ddi_quiesce_not_needed
};

static struct modldrv ilshm_modldrv = {
	.drv_modops =		&mod_driverops,
	.drv_linkinfo =		"shared ring",
	.drv_dev_ops =		&ilshm_dev_ops
};

static struct modlinkage ilshm_modlinkage = {
	.ml_rev =		MODREV_1,
	.ml_linkage =		{ &ilshm_modldrv, NULL }
};

int
_init(void)
{
	int rv;

	if ((rv = ddi_soft_state_init(&ilshm_statep, sizeof (ilshm_state_t), 1)) != 0)
		return (rv);
	if ((rv = mod_install(&ilshm_modlinkage)) != 0)
		ddi_soft_state_fini(&ilshm_statep);
	return (rv);
}

int
_fini(void)
{
	int rv;

	if ((rv = mod_remove(&ilshm_modlinkage)) == 0)
		ddi_soft_state_fini(&ilshm_statep);
	return (rv);
}

int
_info(struct modinfo *modinfop)
{
	return (mod_info(&ilshm_modlinkage, modinfop));
}
