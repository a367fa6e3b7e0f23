/*
 * FreeBSD <sys/sysctl.h>: a driver's sysctl(9) knobs. The model has no
 * sysctl(2), so no scenario reads or writes a knob and no handler runs
 * from one; what a driver does with them still runs as on FreeBSD. The
 * static declarations (SYSCTL_INT, SYSCTL_NODE, SYSCTL_PROC ...) keep a
 * record naming the variable or handler, so what they name counts as
 * used; the dynamic ones (SYSCTL_ADD_*) make an oid in kmem on the
 * context (tag "sysctl_oid"), which sysctl_ctx_free frees: a context never
 * freed is a leak at teardown, as its oids would outlive the driver on
 * FreeBSD. sysctl_handle_int & co. copy between the request's kernel
 * buffers, for a handler a driver calls itself.
 */
#ifndef _KS_FREEBSD_SYS_SYSCTL_H
#define _KS_FREEBSD_SYS_SYSCTL_H

#include <sys/types.h>
#include <stdint.h>

#define CTLTYPE		0xf
#define CTLTYPE_NODE	1
#define CTLTYPE_INT	2
#define CTLTYPE_STRING	3
#define CTLTYPE_S64	4
#define CTLTYPE_OPAQUE	5
#define CTLTYPE_STRUCT	CTLTYPE_OPAQUE
#define CTLTYPE_UINT	6
#define CTLTYPE_LONG	7
#define CTLTYPE_ULONG	8
#define CTLTYPE_U64	9
#define CTLTYPE_U8	0xa
#define CTLTYPE_U16	0xb
#define CTLTYPE_S8	0xc
#define CTLTYPE_S16	0xd
#define CTLTYPE_S32	0xe
#define CTLTYPE_U32	0xf

#define CTLFLAG_RD	0x80000000
#define CTLFLAG_WR	0x40000000
#define CTLFLAG_RW	(CTLFLAG_RD | CTLFLAG_WR)
#define CTLFLAG_DORMANT	0x20000000
#define CTLFLAG_ANYBODY	0x10000000
#define CTLFLAG_SECURE	0x08000000
#define CTLFLAG_PRISON	0x04000000
#define CTLFLAG_DYN	0x02000000
#define CTLFLAG_SKIP	0x01000000
#define CTLFLAG_TUN	0x00080000
#define CTLFLAG_RDTUN	(CTLFLAG_RD | CTLFLAG_TUN)
#define CTLFLAG_RWTUN	(CTLFLAG_RW | CTLFLAG_TUN)
#define CTLFLAG_MPSAFE	0x00040000
#define CTLFLAG_VNET	0x00020000
#define CTLFLAG_DYING	0x00010000
#define CTLFLAG_CAPRD	0x00008000
#define CTLFLAG_CAPWR	0x00004000
#define CTLFLAG_STATS	0x00002000
#define CTLFLAG_NOFETCH	0x00001000
#define CTLFLAG_CAPRW	(CTLFLAG_CAPRD | CTLFLAG_CAPWR)
#define CTLFLAG_NEEDGIANT 0x00000800
#define OID_AUTO	(-1)

struct sysctl_oid;
struct sysctl_oid_list {
	struct sysctl_oid *ks_first;
};
struct sysctl_req {
	struct thread	*td;
	void		*oldptr;	/* where the old value goes (a kernel buffer here) */
	size_t		oldlen, oldidx;
	const void	*newptr;	/* the new value, or NULL: only a read */
	size_t		newlen, newidx;
};
#define SYSCTL_HANDLER_ARGS \
	struct sysctl_oid *oidp, void *arg1, intmax_t arg2, struct sysctl_req *req
typedef int sysctl_handler_t(SYSCTL_HANDLER_ARGS);

struct sysctl_oid {
	struct sysctl_oid_list	oid_children;	/* a node's */
	struct sysctl_oid	*ks_next;	/* on its context */
	const char		*oid_name;
	int			oid_kind;
	void			*oid_arg1;
	intmax_t		oid_arg2;
	sysctl_handler_t	*oid_handler;
	const char		*oid_descr;
};
struct sysctl_ctx_list {
	struct sysctl_oid *ks_oids;
};

#ifdef __cplusplus
extern "C" {
#endif
int sysctl_ctx_init(struct sysctl_ctx_list *);
int sysctl_ctx_free(struct sysctl_ctx_list *);
struct sysctl_oid *ks_fb_sysctl_add(struct sysctl_ctx_list *, struct sysctl_oid_list *,
    const char *, int, void *, intmax_t, sysctl_handler_t *, const char *);
int sysctl_handle_int(SYSCTL_HANDLER_ARGS);
int sysctl_handle_long(SYSCTL_HANDLER_ARGS);
int sysctl_handle_64(SYSCTL_HANDLER_ARGS);
int sysctl_handle_string(SYSCTL_HANDLER_ARGS);
int sysctl_handle_opaque(SYSCTL_HANDLER_ARGS);
int sysctl_handle_counter_u64(SYSCTL_HANDLER_ARGS);
int sysctl_handle_counter_u64_array(SYSCTL_HANDLER_ARGS);
int ks_fb_sysctl_out(struct sysctl_req *, const void *, size_t);
int ks_fb_sysctl_in(struct sysctl_req *, void *, size_t);
extern struct sysctl_oid_list ks_fb_sysctl_static_children;
#ifdef __cplusplus
}
#endif
#define SYSCTL_OUT(req, p, len) ks_fb_sysctl_out((req), (p), (len))
#define SYSCTL_IN(req, p, len) ks_fb_sysctl_in((req), (p), (len))

/* The static tree: a record per declaration, never linked anywhere. */
#define KS_FB_SYSCTL_STATIC(parent, name, kind, a1, a2, handler, descr)	\
	static struct sysctl_oid sysctl_##parent##_##name			\
	    __attribute__((used)) = { { 0 }, 0, #name, (kind),		\
	    (void *)(uintptr_t)(a1), (a2), (handler), (descr) }
#define SYSCTL_DECL(name) extern struct sysctl_oid_list sysctl_##name##_children
/* the children list is used (its children name it on FreeBSD): a
 * `static SYSCTL_NODE` is no unused-variable warning */
#define SYSCTL_NODE(parent, nbr, name, access, handler, descr)		\
	struct sysctl_oid_list sysctl_##parent##_##name##_children		\
	    __attribute__((used));						\
	KS_FB_SYSCTL_STATIC(parent, name, CTLTYPE_NODE | (access), 0, 0,	\
	    (handler), (descr))
#define SYSCTL_INT(parent, nbr, name, access, ptr, val, descr)		\
	KS_FB_SYSCTL_STATIC(parent, name, CTLTYPE_INT | (access), (ptr),	\
	    (val), sysctl_handle_int, (descr))
#define SYSCTL_UINT(parent, nbr, name, access, ptr, val, descr)		\
	KS_FB_SYSCTL_STATIC(parent, name, CTLTYPE_UINT | (access), (ptr),	\
	    (val), sysctl_handle_int, (descr))
#define SYSCTL_LONG(parent, nbr, name, access, ptr, val, descr)		\
	KS_FB_SYSCTL_STATIC(parent, name, CTLTYPE_LONG | (access), (ptr),	\
	    (val), sysctl_handle_long, (descr))
#define SYSCTL_ULONG(parent, nbr, name, access, ptr, val, descr)		\
	KS_FB_SYSCTL_STATIC(parent, name, CTLTYPE_ULONG | (access), (ptr),	\
	    (val), sysctl_handle_long, (descr))
#define SYSCTL_U64(parent, nbr, name, access, ptr, val, descr)		\
	KS_FB_SYSCTL_STATIC(parent, name, CTLTYPE_U64 | (access), (ptr),	\
	    (val), sysctl_handle_64, (descr))
#define SYSCTL_S64(parent, nbr, name, access, ptr, val, descr)		\
	KS_FB_SYSCTL_STATIC(parent, name, CTLTYPE_S64 | (access), (ptr),	\
	    (val), sysctl_handle_64, (descr))
#define SYSCTL_STRING(parent, nbr, name, access, arg, len, descr)		\
	KS_FB_SYSCTL_STATIC(parent, name, CTLTYPE_STRING | (access), (arg),	\
	    (len), sysctl_handle_string, (descr))
#define SYSCTL_OPAQUE(parent, nbr, name, access, ptr, len, fmt, descr)	\
	KS_FB_SYSCTL_STATIC(parent, name, CTLTYPE_OPAQUE | (access), (ptr),	\
	    (len), sysctl_handle_opaque, (descr))
/* counter(9) oids: ptr is the counter_u64_t variable (an array of len);
 * a read sums it, any write zeroes it (subr_counter.c) */
#define SYSCTL_COUNTER_U64(parent, nbr, name, access, ptr, descr)	\
	KS_FB_SYSCTL_STATIC(parent, name, CTLTYPE_U64 | CTLFLAG_MPSAFE |	\
	    CTLFLAG_STATS | (access), (ptr), 0, sysctl_handle_counter_u64, (descr))
#define SYSCTL_COUNTER_U64_ARRAY(parent, nbr, name, access, ptr, len, descr) \
	KS_FB_SYSCTL_STATIC(parent, name, CTLTYPE_OPAQUE | CTLFLAG_MPSAFE |	\
	    CTLFLAG_STATS | (access), (ptr), (len),				\
	    sysctl_handle_counter_u64_array, (descr))
#define SYSCTL_PROC(parent, nbr, name, access, ptr, arg, handler, fmt, descr) \
	KS_FB_SYSCTL_STATIC(parent, name, (access), (ptr), (arg), (handler), (descr))
#define SYSCTL_STATIC_CHILDREN(oid_name) (&ks_fb_sysctl_static_children)
#define SYSCTL_CHILDREN(oidp) (&(oidp)->oid_children)

/* The dynamic tree: oids on a context. */
#define SYSCTL_ADD_NODE(ctx, parent, nbr, name, access, handler, descr)	\
	ks_fb_sysctl_add((ctx), (parent), (name), CTLTYPE_NODE | (access), NULL, 0, \
	    (handler), (descr))
#define SYSCTL_ADD_INT(ctx, parent, nbr, name, access, ptr, val, descr)	\
	ks_fb_sysctl_add((ctx), (parent), (name), CTLTYPE_INT | (access),	\
	    (void *)(ptr), (val), sysctl_handle_int, (descr))
#define SYSCTL_ADD_UINT(ctx, parent, nbr, name, access, ptr, val, descr)	\
	ks_fb_sysctl_add((ctx), (parent), (name), CTLTYPE_UINT | (access),	\
	    (void *)(ptr), (val), sysctl_handle_int, (descr))
#define SYSCTL_ADD_LONG(ctx, parent, nbr, name, access, ptr, descr)	\
	ks_fb_sysctl_add((ctx), (parent), (name), CTLTYPE_LONG | (access),	\
	    (void *)(ptr), 0, sysctl_handle_long, (descr))
#define SYSCTL_ADD_ULONG(ctx, parent, nbr, name, access, ptr, descr)	\
	ks_fb_sysctl_add((ctx), (parent), (name), CTLTYPE_ULONG | (access),	\
	    (void *)(ptr), 0, sysctl_handle_long, (descr))
#define SYSCTL_ADD_U64(ctx, parent, nbr, name, access, ptr, val, descr)	\
	ks_fb_sysctl_add((ctx), (parent), (name), CTLTYPE_U64 | (access),	\
	    (void *)(ptr), (val), sysctl_handle_64, (descr))
#define SYSCTL_ADD_STRING(ctx, parent, nbr, name, access, arg, len, descr) \
	ks_fb_sysctl_add((ctx), (parent), (name), CTLTYPE_STRING | (access),	\
	    (void *)(arg), (len), sysctl_handle_string, (descr))
#define SYSCTL_ADD_COUNTER_U64(ctx, parent, nbr, name, access, ptr, descr) \
	ks_fb_sysctl_add((ctx), (parent), (name), CTLTYPE_U64 |		\
	    CTLFLAG_MPSAFE | CTLFLAG_STATS | (access), (void *)(ptr), 0,	\
	    sysctl_handle_counter_u64, (descr))
#define SYSCTL_ADD_COUNTER_U64_ARRAY(ctx, parent, nbr, name, access, ptr, len, descr) \
	ks_fb_sysctl_add((ctx), (parent), (name), CTLTYPE_OPAQUE |		\
	    CTLFLAG_MPSAFE | CTLFLAG_STATS | (access), (void *)(ptr), (len),	\
	    sysctl_handle_counter_u64_array, (descr))
#define SYSCTL_ADD_PROC(ctx, parent, nbr, name, access, ptr, arg, handler, fmt, descr) \
	ks_fb_sysctl_add((ctx), (parent), (name), (access), (void *)(ptr), (arg), \
	    (handler), (descr))

/* Loader tunables: the kernel environment is empty (kenv.cc), so a tunable
 * keeps the value the driver initialised it with. */
#define KS_FB_CAT2(a, b) a##b
#define KS_FB_CAT(a, b) KS_FB_CAT2(a, b)
#define TUNABLE_INT(path, var) static const void *KS_FB_CAT(ks_fb_tunable_, __LINE__) \
	__attribute__((used)) = (var)
#define TUNABLE_LONG(path, var) TUNABLE_INT(path, var)
#define TUNABLE_ULONG(path, var) TUNABLE_INT(path, var)
#define TUNABLE_INT_FETCH(path, var) ((void)(path), (void)(var), 0)
#define TUNABLE_LONG_FETCH(path, var) ((void)(path), (void)(var), 0)
#define TUNABLE_ULONG_FETCH(path, var) ((void)(path), (void)(var), 0)

#endif
