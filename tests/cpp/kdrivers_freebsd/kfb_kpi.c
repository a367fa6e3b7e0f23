/* The kernel's malloc types, realloc(9), libkern's strdup family, the
 * World's random bytes, dev_refthread (kern_malloc.c, libkern, kern_conf.c). */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/conf.h>
#include <sys/random.h>
#include <sys/lock.h>
#include <sys/mutex.h>
#include <sys/condvar.h>

#include "kfb.h"

/* M_DEVBUF and M_TEMP are the kernel's: a driver uses them undeclared. */
void kfb_malloc_kernel_types(void *arg) {
	(void)arg;
	char *a = malloc(16, M_DEVBUF, M_WAITOK | M_ZERO);
	char *b = malloc(16, M_TEMP, M_WAITOK);
	kfb_note(a[15] == 0);
	free(b, M_TEMP);
	(void)malloc(8, M_DEVBUF, M_WAITOK);	/* leaked: a leak of M_DEVBUF */
	free(a, M_DEVBUF);
}

/* realloc: NULL is malloc; growing moves and keeps the bytes; shrinking
 * to more than half keeps the buffer, to half or less moves; the old
 * pointer of a moved buffer is freed. */
void kfb_realloc(void *arg) {
	(void)arg;
	char *p = realloc(NULL, 8, M_DEVBUF, M_WAITOK);
	strlcpy(p, "abcdefg", 8);
	char *q = realloc(p, 64, M_DEVBUF, M_WAITOK);
	kfb_note(q != p);
	kfb_note(strcmp(q, "abcdefg") == 0);
	char *r = realloc(q, 40, M_DEVBUF, M_WAITOK);
	kfb_note(r == q);
	char *s = realloc(r, 32, M_DEVBUF, M_WAITOK);
	kfb_note(s != r);
	kfb_note(strcmp(s, "abcdefg") == 0);
	s = reallocf(s, 128, M_DEVBUF, M_WAITOK);
	free(s, M_DEVBUF);
}

/* a driver that keeps the pointer realloc moved from */
void kfb_realloc_stale(void *arg) {
	(void)arg;
	char *p = malloc(8, M_TEMP, M_WAITOK);
	char *q = realloc(p, 64, M_TEMP, M_WAITOK);
	p[0] = 1;	/* the old buffer: freed */
	free(q, M_TEMP);
}

void kfb_strdup(void *arg) {
	(void)arg;
	char *a = strdup("driver", M_TEMP);
	char *b = strndup("driver", 3, M_TEMP);
	char *c = strdup_flags("x", M_TEMP, M_NOWAIT);
	kfb_note(strcmp(a, "driver") == 0);
	kfb_note(strcmp(b, "dri") == 0);
	kfb_note(c != NULL && strcmp(c, "x") == 0);
	free(a, M_TEMP);
	free(b, M_TEMP);
	free(c, M_TEMP);
}

/* the World's generator: the same bytes in every run */
void kfb_random_bytes(void *arg) {
	uint8_t buf[12];
	uint32_t v = 0;
	(void)arg;
	arc4random_buf(buf, sizeof(buf));
	for (int i = 0; i < 12; i++)
		v = v * 31 + buf[i];
	kfb_note(v);
	read_random(buf, 4);
	kfb_note(buf[0] | buf[1] << 8);
	kfb_note(arc4random_uniform(10) < 10);
	kfb_note(arc4random_uniform(1));
	kfb_note(is_random_seeded());
}

static struct mtx kfb_bp_mtx;
static struct cv kfb_bp_cv;
void kfb_broadcastpri(void *arg) {
	(void)arg;
	mtx_init(&kfb_bp_mtx, "kfb_bp", NULL, MTX_DEF);
	cv_init(&kfb_bp_cv, "kfb_bp");
	mtx_lock(&kfb_bp_mtx);
	cv_broadcastpri(&kfb_bp_cv, 0);	/* no waiter: nothing */
	mtx_unlock(&kfb_bp_mtx);
	cv_destroy(&kfb_bp_cv);
	mtx_destroy(&kfb_bp_mtx);
	kfb_note(1);
}
