/*
 * The illumos DDI of the Linux backend, compiled like a driver (illumos
 * headers only): soft state, dev_info and minor nodes, properties, user
 * copies, credentials, kstats, module linkage. What needs Linux goes
 * through ../ks_lx.h.
 */
#include <string.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/stat.h>
#include <sys/conf.h>
#include <sys/devops.h>
#include <sys/modctl.h>
#include <sys/cred.h>
#include <sys/file.h>
#include <sys/kmem.h>
#include <sys/ksynch.h>
#include <sys/mutex.h>
#include <sys/kstat.h>
#include <sys/id32.h>
#include <sys/cmn_err.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/kernsim.h>

#include "ks_lx.h"
#include "il_impl.h"

/* ---- dev_info: one instance (0) of the one driver in this module ---- */

/* Its parents, as the simulator has them: the pseudo nexus under the root
 * (i86pc, driver rootnex). Their properties are not given (il_props.c). */
static struct dev_info il_root = { .di_nexus = 1, .di_node_name = "i86pc" };
static struct dev_info il_pseudo = { .di_nexus = 1, .di_node_name = "pseudo",
    .di_parent = &il_root };
struct dev_info il_dip = { .di_parent = &il_pseudo };

dev_info_t *ddi_root_node(void) { return (&il_root); }
dev_info_t *ddi_get_parent(dev_info_t *dip) { return (dip ? dip->di_parent : NULL); }
char *ddi_node_name(dev_info_t *dip)
{
	return ((char *)(dip->di_nexus ? dip->di_node_name : KS_LX_DRIVER_NAME));
}

int ddi_get_instance(dev_info_t *dip) { return dip->di_instance; }
void *ddi_get_driver_private(dev_info_t *dip) { return dip->di_private; }
void ddi_set_driver_private(dev_info_t *dip, void *data) { dip->di_private = data; }
const char *ddi_driver_name(dev_info_t *dip)
{
	if (dip == &il_root)
		return ("rootnex");
	return (dip->di_nexus ? dip->di_node_name : KS_LX_DRIVER_NAME);
}
major_t ddi_driver_major(dev_info_t *dip) { return dip->di_major; }

int ddi_create_minor_node(dev_info_t *dip, const char *name, int spec_type, minor_t minor,
    const char *node_type, int flag)
{
	if (name == NULL || (spec_type != S_IFCHR && spec_type != S_IFBLK))
		return (DDI_FAILURE);
	return (ks_lx_node_create(name, minor, spec_type == S_IFBLK) == 0 ? DDI_SUCCESS :
	    DDI_FAILURE);
}

/*
 * The node's privileges and mode are the simulator's to check (kernsim's
 * open(2) does, node_perm.h); under Linux the node is the devtmpfs one the
 * backend makes, which the guest's Programs open as root.
 */
int ddi_create_priv_minor_node(dev_info_t *dip, const char *name, int spec_type, minor_t minor,
    const char *node_type, int flag, const char *rdpriv, const char *wrpriv, mode_t priv_mode)
{
	return (ddi_create_minor_node(dip, name, spec_type, minor, node_type, flag));
}

void ddi_remove_minor_node(dev_info_t *dip, const char *name)
{
	ks_lx_node_remove(name);
}

int ddi_quiesce_not_needed(dev_info_t *dip) { return (DDI_SUCCESS); }
int ddi_quiesce_not_supported(dev_info_t *dip) { return (DDI_FAILURE); }
int nodev() { return (ENXIO); }
int nulldev() { return (0); }
int nochpoll(dev_t dev, short ev, int any, short *rev, struct pollhead **php) { return (ENXIO); }

/* ---- soft state: a table of items, grown under its own mutex ---- */

struct il_soft_state {
	kmutex_t ss_lock;
	size_t ss_size;
	int ss_n;
	void **ss_items;
};

int ddi_soft_state_init(void **state_p, size_t size, size_t n_items)
{
	struct il_soft_state *ss;

	if (state_p == NULL || size == 0)
		return (EINVAL);
	ss = kmem_zalloc(sizeof (*ss), KM_SLEEP);
	mutex_init(&ss->ss_lock, NULL, MUTEX_DRIVER, NULL);
	ss->ss_size = size;
	ss->ss_n = n_items > 0 ? (int)n_items : 1;
	ss->ss_items = kmem_zalloc(ss->ss_n * sizeof (void *), KM_SLEEP);
	*state_p = ss;
	return (0);
}

int ddi_soft_state_zalloc(void *state, int item)
{
	struct il_soft_state *ss = state;
	void *p;

	if (ss == NULL || item < 0)
		return (DDI_FAILURE);
	p = kmem_zalloc(ss->ss_size, KM_SLEEP);
	mutex_enter(&ss->ss_lock);
	if (item >= ss->ss_n) {
		int n = ss->ss_n;
		void **items;

		while (n <= item)
			n *= 2;
		items = kmem_zalloc(n * sizeof (void *), KM_SLEEP);
		memcpy(items, ss->ss_items, ss->ss_n * sizeof (void *));
		/* illumos keeps old arrays for lock-free readers; so do we */
		ss->ss_items = items;
		ss->ss_n = n;
	}
	if (ss->ss_items[item] != NULL) {
		mutex_exit(&ss->ss_lock);
		kmem_free(p, ss->ss_size);
		return (DDI_FAILURE);
	}
	ss->ss_items[item] = p;
	mutex_exit(&ss->ss_lock);
	return (DDI_SUCCESS);
}

void *ddi_get_soft_state(void *state, int item)
{
	struct il_soft_state *ss = state;

	if (ss == NULL || item < 0 || item >= ss->ss_n)
		return (NULL);
	return (ss->ss_items[item]);
}

void ddi_soft_state_free(void *state, int item)
{
	struct il_soft_state *ss = state;
	void *p = NULL;

	if (ss == NULL || item < 0)
		return;
	mutex_enter(&ss->ss_lock);
	if (item < ss->ss_n) {
		p = ss->ss_items[item];
		ss->ss_items[item] = NULL;
	}
	mutex_exit(&ss->ss_lock);
	if (p != NULL)
		kmem_free(p, ss->ss_size);
}

void ddi_soft_state_fini(void **state_p)
{
	struct il_soft_state *ss;
	int i;

	if (state_p == NULL || (ss = *state_p) == NULL)
		return;
	for (i = 0; i < ss->ss_n; i++)
		if (ss->ss_items[i] != NULL)
			kmem_free(ss->ss_items[i], ss->ss_size);
	mutex_destroy(&ss->ss_lock);
	kmem_free(ss->ss_items, ss->ss_n * sizeof (void *));
	kmem_free(ss, sizeof (*ss));
	*state_p = NULL;
}

/* ---- user memory, models, credentials ---- */

cred_t *kcred;

int ddi_copyin(const void *buf, void *driverbuf, size_t cn, int flags)
{
	if (flags & FKIOCTL) {
		memcpy(driverbuf, buf, cn);
		return (0);
	}
	return (ks_copyin((uint64_t)(uintptr_t)buf, driverbuf, cn) == 0 ? 0 : -1);
}

int ddi_copyout(const void *driverbuf, void *buf, size_t cn, int flags)
{
	if (flags & FKIOCTL) {
		memcpy(buf, driverbuf, cn);
		return (0);
	}
	return (ks_copyout(driverbuf, (uint64_t)(uintptr_t)buf, cn) == 0 ? 0 : -1);
}

uint_t ddi_model_convert_from(model_t model)
{
	return ((model & DDI_MODEL_MASK) == DDI_MODEL_ILP32 ? DDI_MODEL_ILP32 : DDI_MODEL_NONE);
}

pid_t ddi_get_pid(void) { return ((pid_t)ks_curproc_pid()); }
cred_t *ks_il_cred(void) { return ((cred_t *)(uintptr_t)ks_curcred()); }
/* As the simulator's (kernel_model/illumos/user.cc): the effective ids
 * stand for the real and saved ones, one zone. */
uid_t crgetuid(const cred_t *c) { return (ks_cred_uid((const struct ks_cred *)c)); }
uid_t crgetruid(const cred_t *c) { return (ks_cred_uid((const struct ks_cred *)c)); }
uid_t crgetsuid(const cred_t *c) { return (ks_cred_uid((const struct ks_cred *)c)); }
gid_t crgetgid(const cred_t *c) { return (ks_cred_gid((const struct ks_cred *)c)); }
gid_t crgetrgid(const cred_t *c) { return (ks_cred_gid((const struct ks_cred *)c)); }
gid_t crgetsgid(const cred_t *c) { return (ks_cred_gid((const struct ks_cred *)c)); }
zoneid_t crgetzoneid(const cred_t *c) { return (GLOBAL_ZONEID); }
int drv_priv(cred_t *c) { return (ks_cred_priv((const struct ks_cred *)c)); }
void crhold(cred_t *c) { ks_cred_hold((const struct ks_cred *)c, "crhold"); }
void crfree(cred_t *c) { ks_cred_rele((const struct ks_cred *)c, "crfree"); }

/* The task's real supplementary groups (the simulator's credentials have
 * none, and the guest agent's threads none either: both answer 0). Kept
 * per credential for the pointer's life, as illumos's cr_grps: here in a
 * small table of the last credentials asked. */
#define IL_NGROUPS 32
static struct { const cred_t *c; gid_t g[IL_NGROUPS]; } il_groups[8];
static unsigned il_groups_next;
static kmutex_t il_groups_lock;

int crgetngroups(const cred_t *c)
{
	return (ks_lx_cred_groups(c, NULL, 0));
}

const gid_t *crgetgroups(const cred_t *c)
{
	static const gid_t none;
	uint32_t g[IL_NGROUPS];
	int n = ks_lx_cred_groups(c, g, IL_NGROUPS), i, slot;

	if (n == 0)
		return (&none);	/* illumos: not NULL, not to be read */
	if (n > IL_NGROUPS) {
		ks_lx_not_given("crgetgroups of more than 32 supplementary groups");
		n = IL_NGROUPS;
	}
	mutex_enter(&il_groups_lock);
	slot = il_groups_next++ % 8;
	il_groups[slot].c = c;
	for (i = 0; i < n; i++)
		il_groups[slot].g[i] = g[i];
	mutex_exit(&il_groups_lock);
	return (il_groups[slot].g);
}

/* ---- kstats: kept for the driver, not exported ---- */

kstat_t *kstat_create(const char *module, int instance, const char *name, const char *class,
    uchar_t type, uint_t ndata, uchar_t flags)
{
	kstat_t *ks = kmem_zalloc(sizeof (*ks), KM_SLEEP);

	strlcpy(ks->ks_module, module ? module : "", sizeof (ks->ks_module));
	strlcpy(ks->ks_name, name ? name : "", sizeof (ks->ks_name));
	strlcpy(ks->ks_class, class ? class : "", sizeof (ks->ks_class));
	ks->ks_instance = instance;
	ks->ks_type = type;
	ks->ks_flags = flags;
	ks->ks_ndata = ndata;
	if (type == KSTAT_TYPE_IO)
		ks->ks_data_size = sizeof (kstat_io_t);
	else if (type == KSTAT_TYPE_NAMED)
		ks->ks_data_size = ndata * sizeof (kstat_named_t);
	else
		ks->ks_data_size = ndata;
	if (!(flags & KSTAT_FLAG_VIRTUAL) && ks->ks_data_size)
		ks->ks_data = kmem_zalloc(ks->ks_data_size, KM_SLEEP);
	return (ks);
}

void kstat_install(kstat_t *ks) { if (ks) ks->ks_ks_installed = 1; }

void kstat_delete(kstat_t *ks)
{
	if (ks == NULL)
		return;
	if (!(ks->ks_flags & KSTAT_FLAG_VIRTUAL) && ks->ks_data)
		kmem_free(ks->ks_data, ks->ks_data_size);
	kmem_free(ks, sizeof (*ks));
}

/* kstat.c: a zone's kstat differs only in who may read it */
kstat_t *kstat_create_zone(const char *module, int instance, const char *name,
    const char *class, uchar_t type, uint_t ndata, uchar_t flags, zoneid_t zoneid)
{
	return (kstat_create(module, instance, name, class, type, ndata, flags));
}

/*
 * ---- id32 (the simulator's kernel_model/illumos/id32.cc): an id is an
 * index into a table of kmem entries, in id32.c's encoding ----
 */

#define	IL_ID32_ALIGN	32u
#define	IL_ID32_MOD	(IL_ID32_ALIGN - 1)

static kmutex_t il_id32_lock;
static void ***il_id32_slots;	/* by index: the entry, NULL once freed */
static uint32_t il_id32_n, il_id32_cap, il_id32_live;

static uint32_t il_id32_encode(uint32_t i)
{
	uint32_t x = i * IL_ID32_ALIGN;

	return ((x | (x % IL_ID32_MOD)) + 1);
}

static uint32_t il_id32_decode(uint32_t id) { return ((id & ~IL_ID32_MOD) / IL_ID32_ALIGN); }

static int il_id32_valid(uint32_t id) { return (il_id32_encode(il_id32_decode(id)) == id); }

uint32_t id32_alloc(void *ptr, int kmflag)
{
	void **e = kmem_alloc(IL_ID32_ALIGN, kmflag);
	void ***grown;
	uint32_t i, cap;

	if (e == NULL)
		return (0);
	*e = ptr;
	mutex_enter(&il_id32_lock);
	for (i = 0; i < il_id32_n; i++)
		if (il_id32_slots[i] == NULL)
			break;
	if (i == il_id32_n && il_id32_n == il_id32_cap) {
		cap = il_id32_cap ? 2 * il_id32_cap : 64;
		grown = kmem_zalloc(cap * sizeof (void **), KM_NOSLEEP);
		if (grown == NULL) {
			mutex_exit(&il_id32_lock);
			kmem_free(e, IL_ID32_ALIGN);
			return (0);
		}
		if (il_id32_slots != NULL) {
			bcopy(il_id32_slots, grown, il_id32_cap * sizeof (void **));
			kmem_free(il_id32_slots, il_id32_cap * sizeof (void **));
		}
		il_id32_slots = grown;
		il_id32_cap = cap;
	}
	if (i == il_id32_n)
		il_id32_n++;
	il_id32_slots[i] = e;
	il_id32_live++;
	mutex_exit(&il_id32_lock);
	return (il_id32_encode(i));
}

void id32_free(uint32_t id)
{
	uint32_t i = il_id32_decode(id);
	void **e = NULL;

	if (!il_id32_valid(id)) {
		cmn_err(CE_WARN, "id32_free(%x): bad ID rejected", id);
		return;
	}
	mutex_enter(&il_id32_lock);
	if (i < il_id32_n) {
		e = il_id32_slots[i];
		il_id32_slots[i] = NULL;
	}
	if (e != NULL && --il_id32_live == 0) {
		/* the last one: nothing is left for the module's unload */
		kmem_free(il_id32_slots, il_id32_cap * sizeof (void **));
		il_id32_slots = NULL;
		il_id32_n = il_id32_cap = 0;
	}
	mutex_exit(&il_id32_lock);
	if (e == NULL)
		ks_lx_not_given("id32_free of an id not allocated (a duplicate free)");
	else
		kmem_free(e, IL_ID32_ALIGN);
}

void *id32_lookup(uint32_t id)
{
	uint32_t i = il_id32_decode(id);
	void *p = NULL;
	int found = 0;

	if (!il_id32_valid(id)) {
		cmn_err(CE_WARN, "id32_lookup(%x): bad ID rejected", id);
		return (NULL);
	}
	mutex_enter(&il_id32_lock);
	if (i < il_id32_n && il_id32_slots[i] != NULL) {
		p = *il_id32_slots[i];
		found = 1;
	}
	mutex_exit(&il_id32_lock);
	if (!found)
		ks_lx_not_given("id32_lookup of an id not allocated (a read after free)");
	return (p);
}

void kstat_waitq_enter(kstat_io_t *k) { k->wcnt++; }
void kstat_waitq_exit(kstat_io_t *k) { k->wcnt--; }
void kstat_runq_enter(kstat_io_t *k) { k->rcnt++; }
void kstat_runq_exit(kstat_io_t *k) { k->rcnt--; }
void kstat_waitq_to_runq(kstat_io_t *k) { k->wcnt--; k->rcnt++; }
void kstat_runq_back_to_waitq(kstat_io_t *k) { k->rcnt--; k->wcnt++; }

/* ---- module linkage ---- */

struct mod_ops mod_driverops;
struct mod_ops mod_miscops;
static struct dev_ops *il_devops;

int mod_install(struct modlinkage *ml)
{
	struct modldrv *md;

	if (ml == NULL || ml->ml_rev != MODREV_1 || (md = ml->ml_linkage[0]) == NULL)
		return (EINVAL);
	if (md->drv_modops == &mod_driverops)
		il_devops = md->drv_dev_ops;
	return (0);
}

int mod_remove(struct modlinkage *ml)
{
	il_devops = NULL;
	return (0);
}

int mod_info(struct modlinkage *ml, struct modinfo *mi)
{
	return (1);
}

struct dev_ops *il_dev_ops(void) { return (il_devops); }
