/*
 * Tiny C "drivers" for tests/cpp/test_ddi_probe.cc: what an out-of-tree
 * illumos driver (the ilprobe audit) needed and the personality lacked or
 * had wrong. Results go to kd_log (kd_ddi.h), in the order they happen.
 */
#ifndef KS_TEST_KDRIVERS_KD_PROBE_H
#define KS_TEST_KDRIVERS_KD_PROBE_H

#ifdef __cplusplus
extern "C" {
#endif

void kd_probe_ids(void *);	/* id_t is signed: a full space's -1 is < 0 */
void kd_probe_ticks(void *);	/* MSEC_TO_TICK and friends at hz = 100 */
void kd_probe_past_wait(void *);	/* a timed wait already expired: -1, no wait */
void kd_probe_hires(void *);	/* cv_timedwait_hires: relative, absolute, rounding */
void kd_probe_printf(void *);	/* kmem_asprintf, a null %s as illumos prints it */
void kd_probe_typed_props(void *);	/* typed arrays, booleans, the older forms */
void kd_probe_undefine(void *);	/* ddi_prop_undefine: DDI_PROP_UNDEFINED */
void kd_probe_nexus(void *);
void kd_probe_conf(void *);	/* driver.conf properties: search order, dev_t, removal */
void kd_probe_taskq_suspend(void *);	/* taskq_suspend/resume/suspended */
void kd_probe_taskq_resume_unsuspended(void *);	/* a panic */
void kd_probe_thread_arg_copy(void *);	/* thread_create with len > 0 */	/* ddi_get_parent, ddi_root_node */
void kd_probe_props(void *);	/* prop_op: ddi_prop_op_nblocks, ddi_prop_op */
void kd_probe_model(void *);	/* caddr32_t widens without sign extension */

#ifdef __cplusplus
}
#endif

#endif
