/* Memory bugs, one per function (see failures.h). */
#include <sys/types.h>
#include <sys/kmem.h>

#include "failures.h"

void kf_double_free(void *arg) {
	(void)arg;
	void *p = kmem_alloc(32, KM_SLEEP);
	kmem_free(p, 32);
	kmem_free(p, 32);
}

void kf_bad_free(void *arg) {
	(void)arg;
	long onstack[4];
	kmem_free(onstack, sizeof (onstack));
}

void kf_size_mismatch(void *arg) {
	(void)arg;
	void *p = kmem_alloc(32, KM_SLEEP);
	kmem_free(p, 16);
}

void kf_leak(void *arg) {
	(void)arg;
	void *p = kmem_zalloc(48, KM_SLEEP);
	(void)p;
}

void kf_write_after_free(void *arg) {
	(void)arg;
	volatile char *p = kmem_alloc(32, KM_SLEEP);
	kmem_free((void *)p, 32);
	p[5] = 1;
}

/* Writes one byte past the end of a 20-byte buffer, then frees it. */
void kf_overrun(void *arg) {
	(void)arg;
	char *p = kmem_alloc(20, KM_SLEEP);
	p[20] = 'x';
	kmem_free(p, 20);
}

/* Writes one byte at offset kf_at of a kf_size-byte buffer, then frees it. */
void kf_overrun_at(void *arg) {
	struct kf_state *st = arg;
	char *p = kmem_alloc(st->kf_size, KM_SLEEP);
	p[st->kf_at] = 'x';
	kmem_free(p, st->kf_size);
}

/* Records the addresses of three allocations in the log, frees them. */
void kf_addresses(void *arg) {
	struct kf_state *st = arg;
	void *p[3];
	for (int i = 0; i < 3; i++) {
		p[i] = kmem_alloc(24 + 8 * i, KM_SLEEP);
		st->kf_log[st->kf_nlog++] = (long)(uintptr_t)p[i];
	}
	for (int i = 0; i < 3; i++)
		kmem_free(p[i], 24 + 8 * i);
}
