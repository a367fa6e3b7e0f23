/* vmem(9F) arenas exercised as drivers use them (tests/cpp/test_vmem.cc);
 * each notes its results in kd_ddi.h's kd_log. */
#ifndef KD_VMEM_H
#define KD_VMEM_H

#ifdef __cplusplus
extern "C" {
#endif
void kd_vmem_instant(void *);	/* instant fit: order, recycling, NULL */
void kd_vmem_policies(void *);	/* VM_BESTFIT, VM_FIRSTFIT, VM_NEXTFIT */
void kd_vmem_xalloc(void *);	/* align, phase, minaddr, nocross */
void kd_vmem_spans(void *);	/* vmem_add, contains, walk, quantum */
void kd_vmem_wait(void *);	/* VM_SLEEP on a full arena waits */
void kd_vmem_double_free(void *);
void kd_vmem_wrong_size(void *);
void kd_vmem_import(void *);	/* an import source: not modelled */
void kd_vmem_overconstrained(void *);
void kd_vmem_after_destroy(void *);
void kd_vmem_destroy_leaked(void *);	/* CE_WARN, no failure */	/* a destroyed arena used */
#ifdef __cplusplus
}
#endif

#endif
