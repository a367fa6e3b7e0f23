/*
 * Tiny C "drivers" for tests/cpp/test_ddi_services.cc: the DDI services the
 * headers issue added (soft interrupts, kmem caches, DDI taskqs, string
 * conversions, atomics, time, the not-modelled stubs). Plain C; results go
 * to kd_log in the order they happen.
 */
#ifndef KS_TEST_KDRIVERS_KD_DDI_H
#define KS_TEST_KDRIVERS_KD_DDI_H

#ifdef __cplusplus
extern "C" {
#endif

#define KD_NLOG 48
extern long kd_log[KD_NLOG];
extern int kd_nlog;

void kd_init(void);		/* on the host, inside the World */
void kd_softint(void *);	/* trigger, EPENDING, the handler's args, remove */
void kd_softint_leak(void *);	/* a soft interrupt never removed */
void kd_kmem_cache(void *);	/* constructor/destructor per object */
void kd_kmem_cache_dupfree(void *);	/* one object freed twice */
void kd_ddi_taskq(void *);	/* dispatch, wait, destroy */
void kd_strings(void *);	/* ddi_strtol family, strlcpy/strlcat, ddi_strdup ... */
void kd_atomics(void *);	/* atomic_ops(9F), bitx64 */
void kd_time(void *);		/* drv_getparm, ddi_get_time, drv_usecwait */
void kd_untimeout(void *);	/* untimeout's ticks left, or -1 */
void kd_cred_groups(void *);	/* crgetngroups/crgetgroups */
void kd_segmap(void *);		/* reaches ddi_segmap: not modelled */
void kd_list(void *);		/* list_create(9F) and friends */
void kd_periodic(void *);	/* ddi_periodic_add: runs every interval */
void kd_umem(void *);
void kd_vop(void *);
void kd_kstat(void *);		/* named kstats */
void kd_avl(void *);		/* avl_create(9F): order, find, nearest, walk */
void kd_random(void *);		/* random_get_bytes: 0, a hash, 0, 3 bytes */
void kd_id_wait(void *);	/* id_alloc on a full space waits for id_free */
void kd_id32(void *);		/* id32_alloc, lookup, reuse, a bad id rejected */
void kd_id32_stale(void *);	/* a freed id looked up */
void kd_id32_leak(void *);	/* an id never freed */
void kd_id_space(void *);	/* id_alloc next fit, allocff, specific, free */		/* VOP_WRITE/READ of a uio, VOP_IOCTL ... on /kd/file */		/* ddi_umem_alloc: zeroed, freed by cookie */

#ifdef __cplusplus
}
#endif

#endif
