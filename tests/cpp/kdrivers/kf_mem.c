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
