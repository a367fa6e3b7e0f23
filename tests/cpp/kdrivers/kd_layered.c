/* nvpair(9F) and the LDI, each exercised the way a driver calls them. */
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/file.h>
#include <sys/open.h>
#include <sys/cred.h>
#include <sys/mkdev.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/sunldi.h>
#include <sys/nvpair.h>

#include "kd_layered.h"

long kl_log[KL_NLOG];
int kl_nlog;
unsigned kl_major;

static void kl_note(long v) {
	if (kl_nlog < KL_NLOG)
		kl_log[kl_nlog++] = v;
}

void kl_init(void) {
	kl_nlog = 0;
}

/* the types of the list's pairs, in iteration order, then -1 */
static void kl_types(nvlist_t *nvl) {
	nvpair_t *p;

	for (p = nvlist_next_nvpair(nvl, NULL); p != NULL;
	    p = nvlist_next_nvpair(nvl, p))
		kl_note(nvpair_type(p));
	kl_note(-1);
}

void kl_nv_basic(void *arg) {
	nvlist_t *nvl, *plain, *nt, *dup, *dup2;
	nvpair_t *p;
	uint64_t v64 = 0;
	uint32_t v32 = 0;
	char *s = NULL;

	(void) arg;
	kl_note(nvlist_alloc(NULL, NV_UNIQUE_NAME, KM_SLEEP));		/* EINVAL */
	kl_note(nvlist_alloc(&nvl, NV_UNIQUE_NAME, KM_SLEEP));		/* 0 */
	kl_note(nvlist_add_uint64(nvl, "a", 1));
	kl_note(nvlist_add_string(nvl, "b", "bee"));
	kl_note(nvlist_add_uint32(nvl, "a", 2));	/* replaces "a", now last */
	kl_types(nvl);					/* 9 (string), 6 (uint32) */
	kl_note(nvlist_lookup_uint64(nvl, "a", &v64));	/* ENOENT: wrong type */
	kl_note(nvlist_lookup_uint32(nvl, "a", &v32));
	kl_note(v32);
	kl_note(nvlist_lookup_string(nvl, "b", &s));
	kl_note(s != NULL && strcmp(s, "bee") == 0);
	kl_note(nvlist_lookup_uint32(nvl, NULL, &v32));	/* EINVAL */
	kl_note(nvlist_add_uint32(nvl, NULL, 1));	/* EINVAL */
	kl_note(nvlist_add_nvlist(nvl, "self", nvl));	/* EINVAL */
	kl_note(nvlist_add_boolean_value(nvl, "bv", (boolean_t)2));	/* EINVAL */
	kl_note(nvlist_add_string(nvl, "ns", NULL));	/* EINVAL */
	/* a copy outlives its original; values through the pairs */
	kl_note(nvlist_dup(nvl, &dup, KM_SLEEP));
	kl_note(nvlist_dup(NULL, &dup2, KM_SLEEP));		/* EINVAL */
	for (p = nvlist_next_nvpair(nvl, NULL); p != NULL;
	    p = nvlist_next_nvpair(nvl, p)) {
		if (nvpair_type(p) == DATA_TYPE_UINT32) {
			kl_note(strcmp(nvpair_name(p), "a") == 0);
			kl_note(nvpair_value_uint32(p, &v32));
			kl_note(v32);
			kl_note(nvpair_value_uint64(p, &v64));	/* EINVAL: type */
		}
	}
	kl_note(nvlist_remove(nvl, "zz", DATA_TYPE_UINT32));	/* ENOENT */
	kl_note(nvlist_remove(nvl, "b", DATA_TYPE_UINT32));	/* ENOENT: type */
	kl_note(nvlist_remove(nvl, "b", DATA_TYPE_STRING));
	kl_note(nvlist_exists(nvl, "b"));		/* B_FALSE */
	kl_note(nvlist_remove_all(nvl, "a"));
	kl_note(nvlist_remove_all(nvl, "a"));		/* ENOENT */
	kl_note(nvlist_empty(nvl));			/* B_TRUE */
	nvlist_free(nvl);
	kl_types(dup);					/* 9, 6 */
	kl_note(nvlist_lookup_uint32(dup, "a", &v32));
	kl_note(v32);
	nvlist_free(dup);

	/* no unique flag: lookups are not supported, a name may repeat */
	kl_note(nvlist_alloc(&plain, 0, KM_SLEEP));
	kl_note(nvlist_add_uint32(plain, "x", 1));
	kl_note(nvlist_add_uint32(plain, "x", 2));
	kl_types(plain);				/* 6, 6 */
	kl_note(nvlist_lookup_uint32(plain, "x", &v32));	/* ENOTSUP */
	nvlist_free(plain);

	/* NV_UNIQUE_NAME_TYPE: one pair per (name, type) */
	kl_note(nvlist_alloc(&nt, NV_UNIQUE_NAME_TYPE, KM_SLEEP));
	kl_note(nvlist_add_uint32(nt, "x", 1));
	kl_note(nvlist_add_uint64(nt, "x", 2));
	kl_note(nvlist_add_uint32(nt, "x", 3));
	kl_types(nt);					/* 8, 6 */
	kl_note(nvlist_lookup_uint32(nt, "x", &v32));
	kl_note(v32);					/* 3 */
	nvlist_free(nt);
	nvlist_free(NULL);
}

void kl_nv_pack(void *arg) {
	nvlist_t *nvl, *in, *a[2], *out, *got, **arr;
	char *buf = NULL, *small;
	size_t len = 0, sz = 0;
	uint8_t bytes[3] = { 1, 2, 3 };
	uint64_t u64s[2] = { 10, 20 }, *pu, u64v;
	char *strs[2] = { "x", "yz" }, **ps, *s;
	uchar_t *pb;
	uint_t n;
	uint32_t v;
	int i;

	(void) arg;
	(void) nvlist_alloc(&nvl, NV_UNIQUE_NAME, KM_SLEEP);
	(void) nvlist_alloc(&in, NV_UNIQUE_NAME, KM_SLEEP);
	(void) nvlist_add_uint32(in, "deep", 7);
	(void) nvlist_add_uint64(nvl, "u", 5);
	(void) nvlist_add_string(nvl, "s", "hello");
	(void) nvlist_add_uint8_array(nvl, "b", bytes, 3);
	(void) nvlist_add_uint64_array(nvl, "q", u64s, 2);
	(void) nvlist_add_string_array(nvl, "ss", strs, 2);
	(void) nvlist_add_boolean(nvl, "flag");
	kl_note(nvlist_add_nvlist(nvl, "in", in));
	a[0] = in;
	a[1] = in;
	kl_note(nvlist_add_nvlist_array(nvl, "arr", a, 2));
	nvlist_free(in);	/* the list holds copies */

	kl_note(nvlist_size(nvl, &sz, NV_ENCODE_NATIVE));
	kl_note(nvlist_pack(nvl, &buf, &len, NV_ENCODE_NATIVE, KM_SLEEP));
	kl_note(len == sz);
	kl_note(len);
	/* a caller's buffer one byte short */
	small = kmem_alloc(len - 1, KM_SLEEP);
	sz = len - 1;
	kl_note(nvlist_pack(nvl, &small, &sz, NV_ENCODE_NATIVE, KM_SLEEP));	/* EFAULT */
	kmem_free(small, len - 1);
	small = NULL;
	kl_note(nvlist_pack(nvl, &small, &sz, 7, KM_SLEEP));	/* ENOTSUP */
	nvlist_free(nvl);

	kl_note(nvlist_unpack(buf, len, &out, KM_SLEEP));
	kmem_free(buf, len);
	kl_types(out);			/* 8 9 26 16 17 1 19 20 */
	kl_note(nvlist_lookup_uint8_array(out, "b", &pb, &n) == 0 && n == 3 &&
	    pb[2] == 3);
	kl_note(nvlist_lookup_uint64_array(out, "q", &pu, &n) == 0 && n == 2 &&
	    pu[1] == 20);
	kl_note(nvlist_lookup_string_array(out, "ss", &ps, &n) == 0 &&
	    n == 2 && strcmp(ps[1], "yz") == 0);
	kl_note(nvlist_lookup_string(out, "s", &s) == 0 &&
	    strcmp(s, "hello") == 0);
	kl_note(nvlist_lookup_boolean(out, "flag"));
	kl_note(nvlist_lookup_pairs(out, 0, "u", DATA_TYPE_UINT64, &u64v,
	    "b", DATA_TYPE_UINT8_ARRAY, &pb, &n, NULL));
	kl_note(nvlist_lookup_pairs(out, 0, "zz", DATA_TYPE_UINT64, &u64v,
	    NULL));						/* ENOENT */
	kl_note(nvlist_lookup_pairs(out, NV_FLAG_NOENTOK, "zz",
	    DATA_TYPE_UINT64, &u64v, "flag", DATA_TYPE_BOOLEAN, NULL));
	kl_note(nvlist_lookup_nvlist(out, "in", &got));
	kl_note(nvlist_lookup_uint32(got, "deep", &v) == 0 && v == 7);
	kl_note(nvlist_lookup_nvlist_array(out, "arr", &arr, &n) == 0 &&
	    n == 2);
	for (i = 0; i < 2; i++)
		kl_note(nvlist_lookup_uint32(arr[i], "deep", &v) == 0 &&
		    v == 7);
	nvlist_free(out);
}

void kl_nv_truncated(void *arg) {
	nvlist_t *nvl, *in, *out;
	char *buf = NULL, *cut;
	size_t len = 0, l;
	char *strs[2] = { "x", "yz" };
	int fails = 0, oks = 0;

	(void) arg;
	(void) nvlist_alloc(&nvl, NV_UNIQUE_NAME, KM_SLEEP);
	(void) nvlist_alloc(&in, NV_UNIQUE_NAME, KM_SLEEP);
	(void) nvlist_add_string(in, "k", "v");
	(void) nvlist_add_uint64(nvl, "u", 5);
	(void) nvlist_add_string_array(nvl, "ss", strs, 2);
	(void) nvlist_add_nvlist(nvl, "in", in);
	nvlist_free(in);
	(void) nvlist_pack(nvl, &buf, &len, NV_ENCODE_NATIVE, KM_SLEEP);
	nvlist_free(nvl);
	/* every prefix is refused, in a buffer of exactly that size */
	for (l = 0; l < len; l++) {
		cut = kmem_alloc(l + 1, KM_SLEEP);
		bcopy(buf, cut, l);
		if (nvlist_unpack(cut, l, &out, KM_SLEEP) != 0)
			fails++;
		else {
			oks++;
			nvlist_free(out);
		}
		kmem_free(cut, l + 1);
	}
	kl_note(fails);
	kl_note(oks);
	/* the whole is fine */
	kl_note(nvlist_unpack(buf, len, &out, KM_SLEEP));
	nvlist_free(out);
	kmem_free(buf, len);
	kl_note(nvlist_unpack(NULL, 0, &out, KM_SLEEP));	/* EINVAL */
}

void kl_nv_leak(void *arg) {
	nvlist_t *nvl;

	(void) arg;
	(void) nvlist_alloc(&nvl, NV_UNIQUE_NAME, KM_SLEEP);
	(void) nvlist_add_uint32(nvl, "x", 1);
}

void kl_nv_use_after_free(void *arg) {
	nvlist_t *nvl;
	uint64_t v;

	(void) arg;
	(void) nvlist_alloc(&nvl, NV_UNIQUE_NAME, KM_SLEEP);
	(void) nvlist_add_uint64(nvl, "x", 1);
	nvlist_free(nvl);
	kl_note(nvlist_lookup_uint64(nvl, "x", &v));
}

void kl_nv_double_free(void *arg) {
	nvlist_t *nvl;

	(void) arg;
	(void) nvlist_alloc(&nvl, NV_UNIQUE_NAME, KM_SLEEP);
	nvlist_free(nvl);
	nvlist_free(nvl);
}

/* Under injected faults a KM_NOSLEEP add may fail with ENOMEM and leave
 * the list as it was; everything is freed whatever happened. */
void kl_nv_nosleep(void *arg) {
	nvlist_t *nvl;
	int i, e, n = 0;
	uint32_t v;

	(void) arg;
	if (nvlist_alloc(&nvl, NV_UNIQUE_NAME, KM_NOSLEEP) != 0) {
		kl_note(-2);
		return;
	}
	for (i = 0; i < 8; i++) {
		e = nvlist_add_uint32(nvl, "k", (uint32_t)i);
		if (e != 0 && e != ENOMEM)
			kl_note(-3);
		n += e == 0;
	}
	kl_note(n == 0 || nvlist_lookup_uint32(nvl, "k", &v) == 0);
	nvlist_free(nvl);
}

void kl_ldi_args(void *arg) {
	ldi_ident_t li, none;
	ldi_handle_t lh;
	dev_t dev;
	int otyp = -1;
	char *name = NULL;

	(void) arg;
	kl_note(ldi_ident_from_major(kl_major + 100, &none));	/* EINVAL */
	kl_note(ldi_ident_from_major(kl_major, NULL));		/* EINVAL */
	kl_note(ldi_ident_from_major(kl_major, &li));
	kl_note(ldi_open_by_name("dev/sample", FREAD, kcred, &lh, li));	/* EINVAL */
	kl_note(ldi_open_by_name("/dev/nosuch", FREAD, kcred, &lh, li));	/* ENOENT */
	kl_note(ldi_open_by_name("/dev/sample", FREAD, NULL, &lh, li));	/* EINVAL */
	dev = makedevice(kl_major, 0);
	kl_note(ldi_open_by_dev(&dev, 7, FREAD, kcred, &lh, li));	/* EINVAL */
	dev = makedevice(kl_major, 99);
	kl_note(ldi_open_by_dev(&dev, OTYP_CHR, FREAD, kcred, &lh, li));	/* ENXIO */
	kl_note(ldi_close(NULL, FREAD, kcred));			/* EINVAL */
	kl_note(ldi_open_by_name("/dev/sample", FREAD | FWRITE, kcred, &lh, li));
	kl_note(ldi_get_otyp(lh, &otyp));
	kl_note(otyp);
	kl_note(ldi_get_dev(lh, &dev));
	kl_note(getmajor(dev) == kl_major);
	kl_note(ldi_get_minor_name(lh, &name));
	kl_note(strcmp(name, "sample") == 0);
	kmem_free(name, strlen(name) + 1);
	kl_note(ldi_close(lh, FREAD | FWRITE, kcred));
	ldi_ident_release(li);
	ldi_ident_release(NULL);
}

void kl_ldi_close_twice(void *arg) {
	ldi_ident_t li;
	ldi_handle_t lh;

	(void) arg;
	(void) ldi_ident_from_major(kl_major, &li);
	kl_note(ldi_open_by_name("/dev/sample", FREAD | FWRITE, kcred, &lh, li));
	kl_note(ldi_close(lh, FREAD | FWRITE, kcred));
	ldi_ident_release(li);
	kl_note(ldi_close(lh, FREAD | FWRITE, kcred));
}

/* NV_ENCODE_XDR: the size by hand, the first words, a round trip to the
 * same bytes, every integer width and array kind, prefixes refused. */
void kl_nv_xdr(void *arg) {
	nvlist_t *nvl, *in, *out, *got;
	char *buf = NULL, *again = NULL, *cut;
	size_t len = 0, alen = 0, sz = 0, l;
	uint32_t w[6];
	int8_t i8 = -3, *pi8;
	uint16_t u16s[2] = { 65535, 1 }, *pu16;
	int16_t i16 = -2;
	uchar_t by[5] = { 1, 2, 3, 4, 5 }, *pby;
	uint32_t *pu32, v;
	char *strs[2] = { "x", "yz" }, **ps, *s;
	int64_t i64;
	uint_t n;
	int fails = 0;

	(void) arg;
	(void) nvlist_alloc(&nvl, NV_UNIQUE_NAME, KM_SLEEP);
	(void) nvlist_alloc(&in, NV_UNIQUE_NAME, KM_SLEEP);
	(void) nvlist_add_uint32(in, "d", 7);
	(void) nvlist_add_uint64(nvl, "u", 5);
	(void) nvlist_add_string(nvl, "s", "hello");
	(void) nvlist_add_nvlist(nvl, "n", in);
	kl_note(nvlist_size(nvl, &sz, NV_ENCODE_XDR));
	kl_note(sz);					/* 156, by hand */
	kl_note(nvlist_pack(nvl, &buf, &len, NV_ENCODE_XDR, KM_SLEEP));
	kl_note(buf[0]);				/* NV_ENCODE_XDR */
	bcopy(buf + 4, w, sizeof (w));
	for (l = 0; l < 6; l++)				/* big-endian words */
		kl_note(((w[l] & 0xff) << 24) | ((w[l] & 0xff00) << 8) |
		    ((w[l] >> 8) & 0xff00) | (w[l] >> 24));
	/* 0 (version), 1 (NV_UNIQUE_NAME), 32 (XDR), 32 (native), 1, 'u'... */
	(void) nvlist_add_int8(nvl, "i8", i8);
	(void) nvlist_add_int16(nvl, "i16", i16);
	(void) nvlist_add_uint16_array(nvl, "u16", u16s, 2);
	(void) nvlist_add_byte_array(nvl, "by", by, 5);
	(void) nvlist_add_uint32_array(nvl, "empty", NULL, 0);
	(void) nvlist_add_string_array(nvl, "ss", strs, 2);
	(void) nvlist_add_int64(nvl, "i64", -(1LL << 40));
	kmem_free(buf, len);
	buf = NULL;
	kl_note(nvlist_pack(nvl, &buf, &len, NV_ENCODE_XDR, KM_SLEEP));
	nvlist_free(in);
	nvlist_free(nvl);
	kl_note(nvlist_unpack(buf, len, &out, KM_SLEEP));
	kl_note(nvlist_lookup_int8(out, "i8", &i8) == 0 && i8 == -3);
	kl_note(nvlist_lookup_int16(out, "i16", &i16) == 0 && i16 == -2);
	kl_note(nvlist_lookup_uint16_array(out, "u16", &pu16, &n) == 0 &&
	    n == 2 && pu16[0] == 65535 && pu16[1] == 1);
	kl_note(nvlist_lookup_byte_array(out, "by", &pby, &n) == 0 && n == 5 &&
	    pby[4] == 5);
	kl_note(nvlist_lookup_uint32_array(out, "empty", &pu32, &n) == 0 &&
	    n == 0 && pu32 == NULL);
	kl_note(nvlist_lookup_string_array(out, "ss", &ps, &n) == 0 && n == 2 &&
	    strcmp(ps[1], "yz") == 0);
	kl_note(nvlist_lookup_int64(out, "i64", &i64) == 0 &&
	    i64 == -(1LL << 40));
	kl_note(nvlist_lookup_string(out, "s", &s) == 0 &&
	    strcmp(s, "hello") == 0);
	kl_note(nvlist_lookup_nvlist(out, "n", &got) == 0 &&
	    nvlist_lookup_uint32(got, "d", &v) == 0 && v == 7);
	(void) nvlist_lookup_int8_array(out, "none", &pi8, &n);
	kl_note(nvlist_pack(out, &again, &alen, NV_ENCODE_XDR, KM_SLEEP));
	kl_note(alen == len && bcmp(again, buf, len) == 0);
	kmem_free(again, alen);
	nvlist_free(out);
	/* the last 4 bytes are the empty array's count, counted by
	   nvlist_size and not written: a prefix without them is whole */
	for (l = 0; l + 4 < len; l++) {
		cut = kmem_alloc(l + 1, KM_SLEEP);
		bcopy(buf, cut, l);
		if (nvlist_unpack(cut, l, &out, KM_SLEEP) != 0)
			fails++;
		else
			nvlist_free(out);
		kmem_free(cut, l + 1);
	}
	kl_note(fails == (int)(len - 4));
	kmem_free(buf, len);
}

/* A packed list damaged at random (a fixed-seed generator, so every run
 * is the same): each unpack either fails or gives a list that packs and
 * frees; nothing reads past a buffer or leaks (the World's checks).
 * arg: the encoding. */
void kl_nv_mutate(void *arg) {
	nvlist_t *nvl, *in, *a[2], *out;
	char *buf = NULL, *cp, *re;
	size_t len = 0, rlen;
	uint64_t q[3] = { 1, 2, 3 }, x = 88172645463325252ULL;
	char *strs[3] = { "a", "bb", "ccc" };
	int i, k, oks = 0, fails = 0;
	uint32_t w;

	(void) nvlist_alloc(&nvl, NV_UNIQUE_NAME, KM_SLEEP);
	(void) nvlist_alloc(&in, NV_UNIQUE_NAME, KM_SLEEP);
	(void) nvlist_add_string(in, "k", "v");
	(void) nvlist_add_boolean_value(in, "t", B_TRUE);
	(void) nvlist_add_uint64(nvl, "u", 5);
	(void) nvlist_add_string_array(nvl, "ss", strs, 3);
	(void) nvlist_add_uint64_array(nvl, "q", q, 3);
	(void) nvlist_add_nvlist(nvl, "in", in);
	a[0] = in;
	a[1] = in;
	(void) nvlist_add_nvlist_array(nvl, "arr", a, 2);
	nvlist_free(in);
	(void) nvlist_pack(nvl, &buf, &len, (int)(uintptr_t)arg, KM_SLEEP);
	nvlist_free(nvl);
	cp = kmem_alloc(len, KM_SLEEP);
	for (i = 0; i < 3000; i++) {
		bcopy(buf, cp, len);
		for (k = 0; k <= (int)(x % 3); k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			if (x & 1) {
				cp[(x >> 8) % len] = (char)(x >> 40);
			} else {
				w = (x >> 16) & 8 ? (uint32_t)(x >> 32) :
				    (uint32_t)((x >> 32) % 64);
				bcopy(&w, cp + (((x >> 8) % len) & ~(size_t)3), 4);
			}
		}
		if (nvlist_unpack(cp, len, &out, KM_SLEEP) != 0) {
			fails++;
			continue;
		}
		oks++;
		re = NULL;
		if (nvlist_pack(out, &re, &rlen, NV_ENCODE_NATIVE, KM_SLEEP) == 0)
			kmem_free(re, rlen);
		nvlist_free(out);
	}
	kmem_free(cp, len);
	kmem_free(buf, len);
	kl_note(oks > 0);
	kl_note(fails > 0);
}
