/* The DDI services of kd_ddi.h, each exercised the way a driver uses it. */
#include <sys/types.h>
#include <sys/ksynch.h>
#include <sys/kmem.h>
#include <sys/atomic.h>
#include <sys/bitext.h>
#include <sys/list.h>
#include <sys/avl.h>
#include <sys/id_space.h>
#include <sys/random.h>
#include <sys/id32.h>
#include <sys/sysmacros.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <vm/as.h>
#include <sys/file.h>
#include <sys/vnode.h>
#include <sys/kstat.h>
#include <sys/cred.h>

#include "kd_ddi.h"

long kd_log[KD_NLOG];
int kd_nlog;

static void kd_note(long v) {
	if (kd_nlog < KD_NLOG)
		kd_log[kd_nlog++] = v;
}

static ksema_t kd_ran;		/* posted by each soft interrupt run */
static int kd_runs;
static long kd_last_arg;

void kd_init(void) {
	kd_nlog = 0;
	kd_runs = 0;
	kd_last_arg = 0;
	sema_init(&kd_ran, 0, "kd_ran", SEMA_DRIVER, NULL);
}

static uint_t kd_soft(caddr_t arg1, caddr_t arg2) {
	kd_runs++;
	kd_last_arg = (long)(uintptr_t)arg1 * 100 + (long)(uintptr_t)arg2;
	sema_v(&kd_ran);
	return (DDI_INTR_CLAIMED);
}

void kd_softint(void *arg) {
	ddi_softint_handle_t h;
	uint_t pri = 0;
	(void) arg;
	kd_note(ddi_intr_add_softint(NULL, &h, 4, kd_soft, (void *)(uintptr_t)7));
	(void) ddi_intr_get_softint_pri(h, &pri);
	kd_note(pri);
	kd_note(ddi_intr_trigger_softint(h, (void *)(uintptr_t)1));
	/* still pending: nothing ran since (no scheduling point let it) */
	kd_note(ddi_intr_trigger_softint(h, (void *)(uintptr_t)2));
	sema_p(&kd_ran);
	kd_note(kd_runs);
	kd_note(kd_last_arg);
	kd_note(ddi_intr_trigger_softint(h, (void *)(uintptr_t)3));
	sema_p(&kd_ran);
	kd_note(kd_runs);
	kd_note(kd_last_arg);
	kd_note(ddi_intr_remove_softint(h));
	/* no hardware interrupts on a simulated device */
	{
		int types = -1;
		ddi_iblock_cookie_t ibc;
		kd_note(ddi_intr_get_supported_types(NULL, &types));
		kd_note(types);
		kd_note(ddi_get_iblock_cookie(NULL, 0, &ibc));
		kd_note(ddi_intr_get_hilevel_pri());
	}
}

void kd_softint_leak(void *arg) {
	ddi_softint_handle_t h;
	(void) arg;
	(void) ddi_intr_add_softint(NULL, &h, DDI_INTR_SOFTPRI_MIN, kd_soft, NULL);
}

struct kd_obj {
	kmutex_t ko_lock;
	int ko_magic;
};
static int kd_ctors, kd_dtors;

static int kd_ctor(void *buf, void *priv, int kmflags) {
	struct kd_obj *o = buf;
	(void) kmflags;
	mutex_init(&o->ko_lock, NULL, MUTEX_DRIVER, NULL);
	o->ko_magic = (int)(uintptr_t)priv;
	kd_ctors++;
	return (0);
}

static void kd_dtor(void *buf, void *priv) {
	struct kd_obj *o = buf;
	(void) priv;
	mutex_destroy(&o->ko_lock);
	kd_dtors++;
}

void kd_kmem_cache(void *arg) {
	kmem_cache_t *c;
	struct kd_obj *a, *b;
	(void) arg;
	kd_ctors = kd_dtors = 0;
	c = kmem_cache_create("kd_obj_cache", sizeof (struct kd_obj), 0, kd_ctor, kd_dtor,
	    NULL, (void *)(uintptr_t)42, NULL, 0);
	a = kmem_cache_alloc(c, KM_SLEEP);
	b = kmem_cache_alloc(c, KM_SLEEP);
	kd_note(a->ko_magic + b->ko_magic);
	mutex_enter(&a->ko_lock);	/* constructed: its lock works */
	mutex_exit(&a->ko_lock);
	kd_note(kd_ctors);
	kmem_cache_free(c, a);
	kmem_cache_free(c, b);
	kd_note(kd_dtors);
	kmem_cache_destroy(c);
}

/* the second free must be kmem's double free, not kd_dtor on poison */
void kd_kmem_cache_dupfree(void *arg) {
	kmem_cache_t *c;
	struct kd_obj *a;
	(void) arg;
	c = kmem_cache_create("kd_dup_cache", sizeof (struct kd_obj), 0, kd_ctor, kd_dtor,
	    NULL, NULL, NULL, 0);
	a = kmem_cache_alloc(c, KM_SLEEP);
	kmem_cache_free(c, a);
	kmem_cache_free(c, a);
	kmem_cache_destroy(c);
}

static int kd_tasks;
static void kd_task(void *arg) {
	kd_tasks += (int)(uintptr_t)arg;
}

void kd_ddi_taskq(void *arg) {
	ddi_taskq_t *tq;
	(void) arg;
	kd_tasks = 0;
	tq = ddi_taskq_create(NULL, "kd_tq", 2, TASKQ_DEFAULTPRI, 0);
	for (int i = 1; i <= 3; i++)
		kd_note(ddi_taskq_dispatch(tq, kd_task, (void *)(uintptr_t)i, DDI_SLEEP));
	ddi_taskq_wait(tq);
	kd_note(kd_tasks);
	ddi_taskq_destroy(tq);
}

void kd_strings(void *arg) {
	long l;
	unsigned long ul;
	longlong_t ll;
	char *end, buf[8], num[24], *p, *s;
	(void) arg;
	kd_note(ddi_strtol("-42x", &end, 10, &l));
	kd_note(l);
	kd_note(*end);
	kd_note(ddi_strtol("zz", NULL, 10, &l));		/* no digits: EINVAL */
	kd_note(ddi_strtoul("0x10", NULL, 16, &ul));
	kd_note((long)ul);
	kd_note(ddi_strtoll("99999999999999999999", NULL, 10, &ll));	/* ERANGE */
	kd_note(ddi_strtol("1", NULL, 1, &l));		/* bad base: EINVAL */
	kd_note((long)strlcpy(buf, "abcdefghij", sizeof (buf)));
	kd_note((long)strlen(buf));
	kd_note((long)strlcat(buf, "xyz", sizeof (buf)));
	s = ddi_strdup("kd", KM_SLEEP);
	kd_note(strcmp(s, "kd") == 0);
	strfree(s);
	numtos(1234UL, num);
	p = num;
	kd_note(stoi(&p));
	kd_note(ddi_ffs(0x28) * 100 + ddi_fls(0x28));
	kd_note((long)btopr(PAGESIZE + 1));
}

void kd_atomics(void *arg) {
	volatile uint32_t u32 = 5;
	volatile ulong_t bits = 0;
	volatile uint64_t u64 = 1;
	void *volatile ptr = NULL;
	(void) arg;
	kd_note(atomic_inc_32_nv(&u32));
	atomic_add_32(&u32, -2);
	kd_note(u32);
	kd_note(atomic_cas_32(&u32, 4, 9));	/* old value, and it swapped */
	kd_note(u32);
	kd_note(atomic_cas_32(&u32, 4, 1));	/* no match: unchanged */
	kd_note(atomic_swap_64(&u64, 3));
	kd_note(atomic_set_long_excl(&bits, 3));
	kd_note(atomic_set_long_excl(&bits, 3));
	kd_note(atomic_clear_long_excl(&bits, 3));
	kd_note(atomic_cas_ptr(&ptr, NULL, (void *)&bits) == NULL && ptr == (void *)&bits);
	kd_note((long)bitx64(0xabcdULL, 11, 4));
	kd_note((long)bitset32(0, 7, 4, 0xf));
	kd_note((long)bitdel64(0xff0fULL, 7, 4));
}

void kd_time(void *arg) {
	clock_t t0, t1;
	time_t s0;
	(void) arg;
	(void) drv_getparm(LBOLT, &t0);
	s0 = ddi_get_time();
	drv_usecwait(1000);		/* a busy wait: the clock does not move */
	kd_note(ddi_get_lbolt() - t0);
	delay(drv_usectohz(2000000));	/* 2 s of virtual time */
	(void) drv_getparm(LBOLT, &t1);
	kd_note(t1 - t0);
	kd_note((long)(ddi_get_time() - s0));
	kd_note(s0 >= KS_IL_BOOT_TIME);
	kd_note(drv_getparm(UPROCP, &t1));	/* not modelled: -1 */
}

static int kd_fired;

static void kd_fire(void *arg) {
	kd_fired++;
	/* a callout cancelling itself: nothing to wait for, -1 */
	if (arg != NULL)
		kd_note(untimeout(*(timeout_id_t *)arg));
}

static timeout_id_t kd_self_id;

void kd_untimeout(void *arg) {
	timeout_id_t id;

	(void) arg;
	kd_fired = 0;
	id = timeout(kd_fire, NULL, 50);
	delay(20);
	kd_note(untimeout(id));		/* 30 ticks were left */
	id = timeout(kd_fire, NULL, 5);
	delay(10);
	kd_note(untimeout(id));		/* it already ran: -1 */
	kd_note(untimeout(id));		/* and again: still -1 */
	kd_note(kd_fired);		/* 1 */
	id = timeout(kd_fire, NULL, 0);	/* one tick, as illumos makes it: 1 left */
	kd_note(untimeout(id));
	kd_self_id = timeout(kd_fire, &kd_self_id, 1);
	delay(5);			/* the callout notes its own untimeout */
	kd_note(kd_fired);		/* 2 */
}

void kd_cred_groups(void *arg) {
	const gid_t *g = crgetgroups(kcred);

	(void) arg;
	kd_note(crgetngroups(kcred));	/* 0 */
	kd_note(g != NULL);		/* a pointer, never to be read */
	kd_note(crgetngroups(CRED()));
}

void kd_segmap(void *arg) {
	caddr_t addr = NULL;
	(void) arg;
	(void) ddi_segmap(0, 0, &kas, &addr, 4096, 0, 0, 0, kcred);
	kd_note(1);	/* never reached */
}

struct kd_item {
	int ki_v;
	list_node_t ki_node;
};

void kd_list(void *arg) {
	list_t l, l2;
	struct kd_item it[4], *p;
	(void) arg;
	list_create(&l, sizeof (struct kd_item), offsetof(struct kd_item, ki_node));
	list_create(&l2, sizeof (struct kd_item), offsetof(struct kd_item, ki_node));
	for (int i = 0; i < 4; i++) {
		it[i].ki_v = i;
		list_link_init(&it[i].ki_node);
	}
	kd_note(list_is_empty(&l));
	list_insert_tail(&l, &it[1]);
	list_insert_head(&l, &it[0]);
	list_insert_after(&l, &it[1], &it[3]);
	list_insert_before(&l, &it[3], &it[2]);
	for (p = list_head(&l); p != NULL; p = list_next(&l, p))
		kd_note(p->ki_v);
	list_remove(&l, &it[2]);
	kd_note(list_link_active(&it[2].ki_node));
	list_insert_tail(&l2, &it[2]);
	list_move_tail(&l2, &l);	/* l2: 2 0 1 3; l empty */
	kd_note(list_is_empty(&l));
	for (p = list_tail(&l2); p != NULL; p = list_prev(&l2, p))
		kd_note(p->ki_v);
	while ((p = list_remove_head(&l2)) != NULL)
		;
	list_destroy(&l);
	list_destroy(&l2);
}

static int kd_ticks;
static void kd_tick(void *arg) {
	(void) arg;
	if (++kd_ticks == 3)
		sema_v(&kd_ran);
}

void kd_periodic(void *arg) {
	ddi_periodic_t p;
	clock_t t0 = ddi_get_lbolt();
	(void) arg;
	kd_ticks = 0;
	p = ddi_periodic_add(kd_tick, NULL, 50000000LL, DDI_IPL_0);	/* 50 ms */
	sema_p(&kd_ran);
	kd_note(kd_ticks);
	kd_note(ddi_get_lbolt() - t0);	/* three periods: 15 ticks */
	ddi_periodic_delete(p);
	delay(100);
	kd_note(kd_ticks);
}

void kd_umem(void *arg) {
	ddi_umem_cookie_t c;
	unsigned char *p;
	int zero = 1;
	(void) arg;
	p = ddi_umem_alloc(100, DDI_UMEM_SLEEP, &c);
	for (int i = 0; i < PAGESIZE; i++)
		zero &= p[i] == 0;
	kd_note(zero);
	ddi_umem_free(c);
}

void kd_vop(void *arg) {
	vnode_t *vp;
	char w1[] = "hello", w2[] = "world", r[16];
	iovec_t iov[2];
	uio_t uio;
	int rv;
	(void) arg;
	kd_note(vn_open("/kd/file", UIO_SYSSPACE, FREAD | FWRITE, 0, &vp, CRCREAT, 0));
	iov[0].iov_base = w1;
	iov[0].iov_len = 5;
	iov[1].iov_base = w2;
	iov[1].iov_len = 5;
	bzero(&uio, sizeof (uio));
	uio.uio_iov = iov;
	uio.uio_iovcnt = 2;
	uio.uio_loffset = 2;
	uio.uio_segflg = UIO_SYSSPACE;
	uio.uio_resid = 10;
	kd_note(VOP_WRITE(vp, &uio, 0, kcred, NULL));
	kd_note(uio.uio_resid);
	kd_note((long)uio.uio_loffset);
	bzero(r, sizeof (r));
	iov[0].iov_base = r;
	iov[0].iov_len = sizeof (r);
	uio.uio_iov = iov;
	uio.uio_iovcnt = 1;
	uio.uio_loffset = 2;
	uio.uio_resid = sizeof (r);
	kd_note(VOP_READ(vp, &uio, 0, kcred, NULL));
	kd_note((long)sizeof (r) - uio.uio_resid);	/* the file holds 12 bytes */
	kd_note(strcmp(r, "helloworld") == 0);
	kd_note(VOP_IOCTL(vp, 1, 0, FREAD, kcred, &rv, NULL));
	kd_note(VOP_ACCESS(vp, VWRITE, 0, kcred, NULL));
	kd_note(VOP_OPEN(&vp, FREAD, kcred, NULL));
	(void) VOP_CLOSE(vp, FREAD, 1, 0, kcred, NULL);
	(void) VOP_CLOSE(vp, FREAD | FWRITE, 1, 0, kcred, NULL);
	VN_RELE(vp);
}

void kd_kstat(void *arg) {
	kstat_t *ks;
	kstat_named_t *kn;
	(void) arg;
	ks = kstat_create("kd", 0, "kd_stats", "misc", KSTAT_TYPE_NAMED, 2, 0);
	kd_note(ks != NULL);
	kn = KSTAT_NAMED_PTR(ks);
	kstat_named_init(&kn[0], "ops", KSTAT_DATA_UINT64);
	kstat_named_init(&kn[1], "state", KSTAT_DATA_STRING);
	kn[0].value.ui64 = 41;
	kn[0].value.ui64++;
	kstat_named_setstr(&kn[1], "online");
	kstat_install(ks);
	kd_note((long)ks->ks_ndata);
	kd_note((long)kn[0].value.ui64);
	kd_note(strcmp(kn[1].name, "state") == 0 && KSTAT_NAMED_STR_BUFLEN(&kn[1]) == 7);
	kstat_delete(ks);
	kd_note(kstat_create("kd", 0, "kd_raw", "misc", KSTAT_TYPE_RAW, 1, 0) == NULL);
	ks = kstat_create_zone("kd", 0, "kd_zone", "misc", KSTAT_TYPE_NAMED, 1, 0,
	    GLOBAL_ZONEID);
	kd_note(ks != NULL && ks->ks_ndata == 1);
	kstat_install(ks);
	kstat_delete(ks);
}

struct kd_anode {
	int key;
	avl_node_t node;
};

static int kd_anode_cmp(const void *a, const void *b) {
	const struct kd_anode *x = a, *y = b;
	return (x->key < y->key ? -1 : x->key > y->key ? 1 : 0);
}

/* Adds 30, 10, 20; logs the walk forwards and back, a find of 20, where
 * 15 would go (its neighbours), then destroys the nodes in order. */
void kd_avl(void *arg) {
	struct kd_anode o[3] = { { .key = 30 }, { .key = 10 }, { .key = 20 } }, k, *p;
	avl_tree_t t;
	avl_index_t where;
	void *cookie = NULL;
	int i;

	(void) arg;
	avl_create(&t, kd_anode_cmp, sizeof (struct kd_anode), offsetof(struct kd_anode, node));
	for (i = 0; i < 3; i++)
		avl_add(&t, &o[i]);
	kd_note((long)avl_numnodes(&t));
	for (p = avl_first(&t); p != NULL; p = AVL_NEXT(&t, p))
		kd_note(p->key);
	for (p = avl_last(&t); p != NULL; p = AVL_PREV(&t, p))
		kd_note(p->key);
	k.key = 20;
	kd_note(avl_find(&t, &k, NULL) == &o[2]);
	k.key = 15;
	kd_note(avl_find(&t, &k, &where) == NULL);
	kd_note(((struct kd_anode *)avl_nearest(&t, where, AVL_BEFORE))->key);
	kd_note(((struct kd_anode *)avl_nearest(&t, where, AVL_AFTER))->key);
	avl_insert(&t, &k, where);
	kd_note(((struct kd_anode *)AVL_NEXT(&t, &o[1]))->key);
	avl_remove(&t, &k);
	while ((p = avl_destroy_nodes(&t, &cookie)) != NULL)
		kd_note(p->key);
	kd_note(avl_is_empty(&t));
	avl_destroy(&t);
}

/* [1, 4): next fit 1, 2, 3, then full (-1); free 2; next fit wraps to 2;
 * free 1 and 3; first fit 1; specific 3, then 3 again (-1). */
/* random_get_bytes and random_get_pseudo_bytes: a hash of each's bytes
 * (the World's generator: the same in every run) and their results. */
void kd_random(void *arg) {
	uint8_t b[12];
	uint32_t v = 0;

	(void) arg;
	kd_note(random_get_bytes(b, sizeof (b)));
	for (int i = 0; i < 12; i++)
		v = v * 31 + b[i];
	kd_note(v);
	kd_note(random_get_pseudo_bytes(b, 3));
	kd_note(b[0] | b[1] << 8 | b[2] << 16);
}

/* A space of one id, taken; a task's id_alloc waits for it (the task
 * notes 100 + the id it got after the main thread's id_free). */
static id_space_t *kd_ids;

static void kd_id_task(void *arg) {
	(void) arg;
	kd_note(100 + id_alloc(kd_ids));
	id_free(kd_ids, 1);
}

void kd_id_wait(void *arg) {
	ddi_taskq_t *tq = ddi_taskq_create(NULL, "kd_idq", 1, TASKQ_DEFAULTPRI, 0);

	(void) arg;
	kd_ids = id_space_create("kd_one", 1, 2);
	kd_note(id_alloc(kd_ids));
	(void) ddi_taskq_dispatch(tq, kd_id_task, NULL, DDI_SLEEP);
	delay(1);	/* the task runs meanwhile, and waits */
	kd_note(0);
	id_free(kd_ids, 1);
	ddi_taskq_wait(tq);
	ddi_taskq_destroy(tq);
	id_space_destroy(kd_ids);
}

void kd_id_space(void *arg) {
	id_space_t *s = id_space_create("kd_ids", 1, 4);

	(void) arg;
	kd_note(id_alloc_nosleep(s));
	kd_note(id_alloc_nosleep(s));
	kd_note(id_alloc_nosleep(s));
	kd_note((long)(int)id_alloc_nosleep(s));
	id_free(s, 2);
	kd_note(id_alloc_nosleep(s));
	id_free(s, 1);
	id_free(s, 3);
	kd_note(id_allocff(s));
	kd_note(id_alloc_specific_nosleep(s, 3));
	kd_note((long)(int)id_alloc_specific_nosleep(s, 3));
	id_free(s, 1);
	id_free(s, 2);
	id_free(s, 3);
	id_space_destroy(s);
}

/* Two ids for two pointers: non-zero, distinct, each looks its pointer
 * up; the first freed comes back from the next id32_alloc; an id of a
 * bad encoding is rejected (NULL); both freed at the end. */
void kd_id32(void *arg) {
	static int a, b, c;
	uint32_t ia = id32_alloc(&a, KM_SLEEP), ib = id32_alloc(&b, KM_SLEEP), ic;

	(void) arg;
	kd_note(ia != 0 && ib != 0 && ia != ib);
	kd_note(id32_lookup(ia) == &a && id32_lookup(ib) == &b);
	id32_free(ia);
	ic = id32_alloc(&c, KM_NOSLEEP);
	kd_note(ic == ia && id32_lookup(ic) == &c);
	kd_note(id32_lookup(ib + 1) == NULL);
	id32_free(ib + 1);	/* rejected: ib stays */
	kd_note(id32_lookup(ib) == &b);
	id32_free(ib);
	id32_free(ic);
}

/* A freed id looked up before any id32_alloc hands it out again. */
void kd_id32_stale(void *arg) {
	static int a;
	uint32_t ia = id32_alloc(&a, KM_SLEEP);

	(void) arg;
	id32_free(ia);
	kd_note(id32_lookup(ia) != NULL);
}

/* An id never freed. */
void kd_id32_leak(void *arg) {
	static int a;

	(void) arg;
	kd_note(id32_alloc(&a, KM_SLEEP) != 0);
}
