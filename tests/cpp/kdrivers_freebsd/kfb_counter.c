/* counter(9) behind sysctl: SYSCTL_ADD_COUNTER_U64 and its handler (see
 * kfb.h). */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/counter.h>
#include <sys/sysctl.h>

#include "kfb.h"

static counter_u64_t kfb_hits;
static counter_u64_t kfb_pair[2];
SYSCTL_COUNTER_U64(_hw, OID_AUTO, kfb_hits, CTLFLAG_RD, &kfb_hits, "hits");
SYSCTL_COUNTER_U64_ARRAY(_hw, OID_AUTO, kfb_pair, CTLFLAG_RD, kfb_pair, 2, "pair");

/* One request through the oid's own handler: old value out, then new in. */
static int call(struct sysctl_oid *o, void *out, size_t outlen, const void *in, size_t inlen) {
	struct sysctl_req req = { 0 };
	req.oldptr = out;
	req.oldlen = outlen;
	req.newptr = in;
	req.newlen = inlen;
	return (o->oid_handler(o, o->oid_arg1, o->oid_arg2, &req));
}

void kfb_counter_sysctl(void *arg) {
	struct sysctl_ctx_list ctx;
	struct sysctl_oid *o, *a;
	uint64_t v[2] = { 0, 0 }, any = 7;
	(void)arg;
	kfb_hits = counter_u64_alloc(M_WAITOK);
	kfb_pair[0] = counter_u64_alloc(M_WAITOK);
	kfb_pair[1] = counter_u64_alloc(M_WAITOK);
	counter_u64_add(kfb_hits, 5);
	counter_u64_add(kfb_pair[1], 3);
	sysctl_ctx_init(&ctx);
	o = SYSCTL_ADD_COUNTER_U64(&ctx, SYSCTL_STATIC_CHILDREN(_hw), OID_AUTO, "hits",
	    CTLFLAG_RW, &kfb_hits, "hits");
	a = SYSCTL_ADD_COUNTER_U64_ARRAY(&ctx, SYSCTL_STATIC_CHILDREN(_hw), OID_AUTO, "pair",
	    CTLFLAG_RW, kfb_pair, 2, "pair");
	kfb_note(call(o, v, sizeof(v[0]), NULL, 0));	/* a read: 5 */
	kfb_note((long)v[0]);
	kfb_note(call(o, v, sizeof(v[0]), &any, sizeof(any)));	/* a write zeroes */
	kfb_note((long)counter_u64_fetch(kfb_hits));
	kfb_note(call(a, v, sizeof(v), NULL, 0));
	kfb_note((long)v[0]);
	kfb_note((long)v[1]);
	kfb_note(call(a, v, sizeof(v), &any, sizeof(any)));
	kfb_note((long)(counter_u64_fetch(kfb_pair[0]) + counter_u64_fetch(kfb_pair[1])));
	kfb_note((long)(((o->oid_kind & CTLTYPE) == CTLTYPE_U64) && (o->oid_kind & CTLFLAG_STATS)));
	sysctl_ctx_free(&ctx);
	counter_u64_free(kfb_hits);
	counter_u64_free(kfb_pair[0]);
	counter_u64_free(kfb_pair[1]);
}
