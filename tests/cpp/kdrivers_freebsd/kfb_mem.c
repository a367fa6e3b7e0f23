/* malloc(9) with a malloc type, sys/queue.h _SAFE iterators, nvlists. */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/queue.h>
#include <sys/nv.h>
#include <sys/dnv.h>
#include <errno.h>

#include "kfb.h"
#include "kfb_state.h"

void kfb_malloc_leak(void *arg) {
	(void)arg;
	char *p = malloc(48, M_KFB, M_WAITOK);
	p[0] = 1;	/* never freed: a leak of type M_KFB */
}

void kfb_malloc_nowait(void *arg) {
	(void)arg;
	void *p = malloc(64, M_KFB, M_NOWAIT);
	kfb_note(p != NULL);
	free(p, M_KFB);	/* free(NULL) is fine */
}

void kfb_malloc_zero(void *arg) {
	(void)arg;
	/* dirty a block first so M_ZERO has something to clear */
	unsigned char *d = malloc(256, M_KFB, M_WAITOK);
	memset(d, 0xa5, 256);
	free(d, M_KFB);
	unsigned char *p = malloc(256, M_KFB, M_WAITOK | M_ZERO);
	int zero = 1;
	for (int i = 0; i < 256; i++)
		zero &= p[i] == 0;
	kfb_note(zero);
	free(p, M_KFB);
}

void kfb_malloc_noflags(void *arg) {
	(void)arg;
	free(malloc(8, M_KFB, M_ZERO), M_KFB);
}

struct kfb_elem {
	int n;
	LIST_ENTRY(kfb_elem) le;
	TAILQ_ENTRY(kfb_elem) te;
};
LIST_HEAD(kfb_list, kfb_elem);
TAILQ_HEAD(kfb_tailq, kfb_elem);

void kfb_list_safe(void *arg) {
	(void)arg;
	struct kfb_list head = LIST_HEAD_INITIALIZER(head);
	struct kfb_elem *e, *tmp;
	for (int i = 5; i >= 1; i--) {
		e = malloc(sizeof(*e), M_KFB, M_WAITOK | M_ZERO);
		e->n = i;
		LIST_INSERT_HEAD(&head, e, le);
	}
	LIST_FOREACH_SAFE(e, &head, le, tmp) {
		if (e->n % 2) {
			LIST_REMOVE(e, le);
			free(e, M_KFB);
		}
	}
	LIST_FOREACH_SAFE(e, &head, le, tmp) {
		kfb_note(e->n);
		LIST_REMOVE(e, le);
		free(e, M_KFB);
	}
	kfb_note(LIST_EMPTY(&head));
}

void kfb_tailq_safe(void *arg) {
	(void)arg;
	struct kfb_tailq head = TAILQ_HEAD_INITIALIZER(head);
	struct kfb_elem *e, *tmp;
	for (int i = 1; i <= 5; i++) {
		e = malloc(sizeof(*e), M_KFB, M_WAITOK | M_ZERO);
		e->n = i;
		TAILQ_INSERT_TAIL(&head, e, te);
	}
	TAILQ_FOREACH_SAFE(e, &head, te, tmp) {
		if (e->n != 3) {	/* the head, the middle neighbours, the tail */
			TAILQ_REMOVE(&head, e, te);
			free(e, M_KFB);
		}
	}
	TAILQ_FOREACH_SAFE(e, &head, te, tmp) {
		kfb_note(e->n);
		TAILQ_REMOVE(&head, e, te);
		free(e, M_KFB);
	}
	kfb_note(TAILQ_EMPTY(&head));
	kfb_note(head.tqh_last == &TAILQ_FIRST(&head));
}

/* The classic bug _SAFE exists for: the loop reads the freed element's link. */
void kfb_list_unsafe(void *arg) {
	(void)arg;
	struct kfb_list head = LIST_HEAD_INITIALIZER(head);
	struct kfb_elem *e;
	for (int i = 0; i < 3; i++) {
		e = malloc(sizeof(*e), M_KFB, M_WAITOK | M_ZERO);
		LIST_INSERT_HEAD(&head, e, le);
	}
	LIST_FOREACH(e, &head, le) {
		LIST_REMOVE(e, le);
		free(e, M_KFB);
	}
}

void kfb_nv_roundtrip(void *arg) {
	(void)arg;
	nvlist_t *nvl = nvlist_create(0);
	nvlist_add_string(nvl, "driver", "ioctl");
	nvlist_add_number(nvl, "pp", 7);
	nvlist_add_number(nvl, "vp", 0);
	size_t len = 0;
	void *packed = nvlist_pack(nvl, &len);
	nvlist_destroy(nvl);
	nvlist_t *back = nvlist_unpack(packed, len, 0);
	free(packed, M_NVLIST);
	kfb_note(back != NULL);
	kfb_note(strcmp(nvlist_get_string(back, "driver"), "ioctl") == 0);
	kfb_note((long)nvlist_get_number(back, "pp"));
	kfb_note((long)dnvlist_get_number(back, "absent", 42));
	kfb_note(strcmp(dnvlist_get_string(back, "absent", "dflt"), "dflt") == 0);
	kfb_note(nvlist_exists_number(back, "driver"));	/* a string, not a number */
	nvlist_add_number(back, "pp", 8);	/* a duplicate name: the list is in error */
	kfb_note(nvlist_error(back) == EEXIST);
	nvlist_destroy(back);
}

void kfb_nv_malformed(void *arg) {
	(void)arg;
	static const unsigned char truncated[] = { NV_TYPE_NUMBER, 'p', 'p', 0, 7, 0 };
	static const unsigned char badtype[] = { 9, 'x', 0, 'y', 0 };
	static const unsigned char unterminated[] = { NV_TYPE_STRING, 'k', 0, 'v' };
	kfb_note(nvlist_unpack(truncated, sizeof(truncated), 0) == NULL);
	kfb_note(nvlist_unpack(badtype, sizeof(badtype), 0) == NULL);
	kfb_note(nvlist_unpack(unterminated, sizeof(unterminated), 0) == NULL);
}

void kfb_nv_get_absent(void *arg) {
	(void)arg;
	nvlist_t *nvl = nvlist_create(0);
	(void)nvlist_get_string(nvl, "port_name");	/* absent: FreeBSD panics */
}
