/*
 * FreeBSD <sys/sysctl.h>: a driver's sysctl(9) knobs and the MIB tree
 * sysctl(2) walks (kernel_model/freebsd/sysctl.cc has the rules and the
 * facts checked). The kernel's top-level nodes (kern, vm, vfs, net,
 * debug, hw, machdep, user, dev, security, compat) are the World's; a
 * module's static oids (SYSCTL_INT, SYSCTL_NODE, SYSCTL_PROC ...) are a
 * linker set, registered when its file is loaded and unregistered when it
 * is unloaded, as kern_linker.c does; the dynamic ones (SYSCTL_ADD_*)
 * are kmem (tag "sysctl_oid"), on a context that sysctl_ctx_free empties:
 * a context never freed is a leak at teardown. A scenario's sysctl(2)
 * (sysctlbyname) runs the oid's handler on the calling thread; its
 * SYSCTL_OUT/SYSCTL_IN copy to and from the user's buffers as copyout and
 * copyin do.
 */
#ifndef _KS_FREEBSD_SYS_SYSCTL_H
#define _KS_FREEBSD_SYS_SYSCTL_H

#include <sys/types.h>
#include <sys/linker_set.h>
#include <stdint.h>

#define CTL_MAXNAME	24
#define CTL_AUTO_START	0x100

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

/* sysctl_req.lock: whether the old buffer is wired (sysctl_wire_old_buffer) */
#define REQ_UNWIRED	1
#define REQ_WIRED	2

struct thread;
struct sysctl_oid;
struct sysctl_oid_list {
	struct sysctl_oid *ks_first;
};
struct sysctl_req {
	struct thread	*td;
	void		*oldptr;	/* the old value's buffer: a user address from sysctl(2) */
	size_t		oldlen, oldidx;
	const void	*newptr;	/* the new value, or NULL: only a read */
	size_t		newlen, newidx;
	size_t		validlen;	/* of the old buffer, what may be written */
	int		lock;		/* REQ_UNWIRED, REQ_WIRED */
	int		flags;
	int		ks_user;	/* kernsim: oldptr/newptr are user addresses */
};
#define SYSCTL_HANDLER_ARGS \
	struct sysctl_oid *oidp, void *arg1, intmax_t arg2, struct sysctl_req *req
typedef int sysctl_handler_t(SYSCTL_HANDLER_ARGS);

struct sysctl_oid {
	struct sysctl_oid_list	oid_children;	/* a dynamic node's */
	struct sysctl_oid_list	*oid_parent;
	struct sysctl_oid	*oid_link;	/* the next on the parent's list */
	int			oid_number;
	int			oid_kind;
	void			*oid_arg1;
	intmax_t		oid_arg2;
	const char		*oid_name;
	sysctl_handler_t	*oid_handler;
	const char		*oid_fmt;
	int			oid_refcnt;
	unsigned int		oid_running;	/* handlers running (a dynamic oid's) */
	const char		*oid_descr;
	struct sysctl_oid_list	*ks_kids;	/* a node's children list */
	int			ks_registered;	/* on its parent's list */
};
/* A context's entries (kmem, tag "sysctl_oid"), newest first. */
struct ks_fb_sysctl_ctx_entry {
	struct sysctl_oid		*entry;
	struct ks_fb_sysctl_ctx_entry	*ks_next, *ks_prev;
};
struct sysctl_ctx_list {
	struct ks_fb_sysctl_ctx_entry *ks_first;
};

#ifdef __cplusplus
extern "C" {
#endif
int sysctl_ctx_init(struct sysctl_ctx_list *);
int sysctl_ctx_free(struct sysctl_ctx_list *);
struct sysctl_ctx_entry;
int sysctl_ctx_entry_del(struct sysctl_ctx_list *, struct sysctl_oid *);
struct sysctl_oid *sysctl_add_oid(struct sysctl_ctx_list *, struct sysctl_oid_list *, int,
    const char *, int, void *, intmax_t, sysctl_handler_t *, const char *, const char *,
    const char *);
int sysctl_remove_oid(struct sysctl_oid *, int, int);
int sysctl_remove_name(struct sysctl_oid *, const char *, int, int);
int sysctl_wire_old_buffer(struct sysctl_req *, size_t);
void sysctl_register_oid(struct sysctl_oid *);
void sysctl_unregister_oid(struct sysctl_oid *);
int sysctl_handle_bool(SYSCTL_HANDLER_ARGS);
int sysctl_handle_8(SYSCTL_HANDLER_ARGS);
int sysctl_handle_16(SYSCTL_HANDLER_ARGS);
int sysctl_handle_32(SYSCTL_HANDLER_ARGS);
int sysctl_handle_int(SYSCTL_HANDLER_ARGS);
int sysctl_handle_long(SYSCTL_HANDLER_ARGS);
int sysctl_handle_64(SYSCTL_HANDLER_ARGS);
int sysctl_handle_string(SYSCTL_HANDLER_ARGS);
int sysctl_handle_opaque(SYSCTL_HANDLER_ARGS);
int sysctl_handle_counter_u64(SYSCTL_HANDLER_ARGS);
int sysctl_handle_counter_u64_array(SYSCTL_HANDLER_ARGS);
int ks_fb_sysctl_out(struct sysctl_req *, const void *, size_t);
int ks_fb_sysctl_in(struct sysctl_req *, void *, size_t);
/* The kernel's own lists: keys for the World's (sysctl.cc), never lists. */
extern struct sysctl_oid_list sysctl__children;
#ifdef __cplusplus
}
#endif
#define SYSCTL_OUT(req, p, len) ks_fb_sysctl_out((req), (p), (len))
#define SYSCTL_IN(req, p, len) ks_fb_sysctl_in((req), (p), (len))

#define SYSCTL_DECL(name) extern struct sysctl_oid_list sysctl_##name##_children
SYSCTL_DECL(_kern);
SYSCTL_DECL(_vm);
SYSCTL_DECL(_vfs);
SYSCTL_DECL(_net);
SYSCTL_DECL(_debug);
SYSCTL_DECL(_hw);
SYSCTL_DECL(_machdep);
SYSCTL_DECL(_user);
SYSCTL_DECL(_dev);
SYSCTL_DECL(_security);
SYSCTL_DECL(_compat);

/*
 * The static tree: a record per declaration, in the module's sysctl_set,
 * whose parent is the list SYSCTL_DECL or SYSCTL_NODE names (so a parent
 * must be declared first, as on FreeBSD).
 */
#define KS_FB_SYSCTL_STATIC(parent, name, kind, a1, a2, handler, fmt, descr, kids) \
	static struct sysctl_oid sysctl_##parent##_##name			\
	    __attribute__((used)) = {						\
		.oid_parent = &sysctl_##parent##_children,			\
		.oid_number = OID_AUTO, .oid_kind = (kind),			\
		.oid_arg1 = (void *)(uintptr_t)(a1), .oid_arg2 = (a2),		\
		.oid_name = #name, .oid_handler = (handler),			\
		.oid_fmt = (fmt), .oid_descr = (descr), .ks_kids = (kids) };	\
	DATA_SET(sysctl_set, sysctl_##parent##_##name)
/* the children list is used (its children name it): a `static
 * SYSCTL_NODE` is no unused-variable warning */
#define SYSCTL_NODE(parent, nbr, name, access, handler, descr)		\
	struct sysctl_oid_list sysctl_##parent##_##name##_children		\
	    __attribute__((used));						\
	KS_FB_SYSCTL_STATIC(parent, name, CTLTYPE_NODE | (access), 0, 0,	\
	    (handler), "N", (descr), &sysctl_##parent##_##name##_children)
#define SYSCTL_ROOT_NODE(nbr, name, access, handler, descr)		\
	SYSCTL_NODE(, nbr, name, access, handler, descr)
#define SYSCTL_OID(parent, nbr, name, kind, a1, a2, handler, fmt, descr)	\
	KS_FB_SYSCTL_STATIC(parent, name, (kind), (a1), (a2), (handler),	\
	    (fmt), (descr), 0)
#define SYSCTL_INT(parent, nbr, name, access, ptr, val, descr)		\
	KS_FB_SYSCTL_STATIC(parent, name, CTLTYPE_INT | CTLFLAG_MPSAFE |	\
	    (access), (ptr), (val), sysctl_handle_int, "I", (descr), 0)
#define SYSCTL_UINT(parent, nbr, name, access, ptr, val, descr)		\
	KS_FB_SYSCTL_STATIC(parent, name, CTLTYPE_UINT | CTLFLAG_MPSAFE |	\
	    (access), (ptr), (val), sysctl_handle_int, "IU", (descr), 0)
#define SYSCTL_LONG(parent, nbr, name, access, ptr, val, descr)		\
	KS_FB_SYSCTL_STATIC(parent, name, CTLTYPE_LONG | CTLFLAG_MPSAFE |	\
	    (access), (ptr), (val), sysctl_handle_long, "L", (descr), 0)
#define SYSCTL_ULONG(parent, nbr, name, access, ptr, val, descr)		\
	KS_FB_SYSCTL_STATIC(parent, name, CTLTYPE_ULONG | CTLFLAG_MPSAFE |	\
	    (access), (ptr), (val), sysctl_handle_long, "LU", (descr), 0)
#define SYSCTL_U64(parent, nbr, name, access, ptr, val, descr)		\
	KS_FB_SYSCTL_STATIC(parent, name, CTLTYPE_U64 | CTLFLAG_MPSAFE |	\
	    (access), (ptr), (val), sysctl_handle_64, "QU", (descr), 0)
#define SYSCTL_S64(parent, nbr, name, access, ptr, val, descr)		\
	KS_FB_SYSCTL_STATIC(parent, name, CTLTYPE_S64 | CTLFLAG_MPSAFE |	\
	    (access), (ptr), (val), sysctl_handle_64, "Q", (descr), 0)
#define SYSCTL_BOOL(parent, nbr, name, access, ptr, val, descr)		\
	KS_FB_SYSCTL_STATIC(parent, name, CTLTYPE_U8 | CTLFLAG_MPSAFE |	\
	    (access), (ptr), (val), sysctl_handle_bool, "CU", (descr), 0)
#define SYSCTL_STRING(parent, nbr, name, access, arg, len, descr)		\
	KS_FB_SYSCTL_STATIC(parent, name, CTLTYPE_STRING | CTLFLAG_MPSAFE |	\
	    (access), (arg), (len), sysctl_handle_string, "A", (descr), 0)
#define SYSCTL_OPAQUE(parent, nbr, name, access, ptr, len, fmt, descr)	\
	KS_FB_SYSCTL_STATIC(parent, name, CTLTYPE_OPAQUE | (access), (ptr),	\
	    (len), sysctl_handle_opaque, (fmt), (descr), 0)
#define SYSCTL_STRUCT(parent, nbr, name, access, ptr, type, descr)	\
	SYSCTL_OPAQUE(parent, nbr, name, access, ptr, sizeof(struct type),	\
	    "S," #type, descr)
/* counter(9) oids: ptr is the counter_u64_t variable (an array of len);
 * a read sums it, any write zeroes it (subr_counter.c) */
#define SYSCTL_COUNTER_U64(parent, nbr, name, access, ptr, descr)	\
	KS_FB_SYSCTL_STATIC(parent, name, CTLTYPE_U64 | CTLFLAG_MPSAFE |	\
	    CTLFLAG_STATS | (access), (ptr), 0, sysctl_handle_counter_u64,	\
	    "QU", (descr), 0)
#define SYSCTL_COUNTER_U64_ARRAY(parent, nbr, name, access, ptr, len, descr) \
	KS_FB_SYSCTL_STATIC(parent, name, CTLTYPE_OPAQUE | CTLFLAG_MPSAFE |	\
	    CTLFLAG_STATS | (access), (ptr), (len),				\
	    sysctl_handle_counter_u64_array, "S", (descr), 0)
#define SYSCTL_PROC(parent, nbr, name, access, ptr, arg, handler, fmt, descr) \
	KS_FB_SYSCTL_STATIC(parent, name, (access), (ptr), (arg), (handler),	\
	    (fmt), (descr), 0)
#define SYSCTL_STATIC_CHILDREN(oid_name) (&sysctl_##oid_name##_children)
#define SYSCTL_CHILDREN(oidp) ((oidp)->ks_kids)
#define SYSCTL_PARENT(oidp) ks_fb_sysctl_parent(oidp)
#ifdef __cplusplus
extern "C" {
#endif
struct sysctl_oid *ks_fb_sysctl_parent(struct sysctl_oid *);
#ifdef __cplusplus
}
#endif

/* The dynamic tree: oids on a context. */
#define SYSCTL_ADD_OID(ctx, parent, nbr, name, kind, a1, a2, handler, fmt, descr) \
	sysctl_add_oid((ctx), (parent), (nbr), (name), (kind), (a1), (a2),	\
	    (handler), (fmt), (descr), NULL)
#define SYSCTL_ADD_NODE(ctx, parent, nbr, name, access, handler, descr)	\
	sysctl_add_oid((ctx), (parent), (nbr), (name), CTLTYPE_NODE | (access), \
	    NULL, 0, (handler), "N", (descr), NULL)
#define SYSCTL_ADD_INT(ctx, parent, nbr, name, access, ptr, val, descr)	\
	sysctl_add_oid((ctx), (parent), (nbr), (name), CTLTYPE_INT |		\
	    CTLFLAG_MPSAFE | (access), (void *)(ptr), (val), sysctl_handle_int, \
	    "I", (descr), NULL)
#define SYSCTL_ADD_UINT(ctx, parent, nbr, name, access, ptr, val, descr)	\
	sysctl_add_oid((ctx), (parent), (nbr), (name), CTLTYPE_UINT |		\
	    CTLFLAG_MPSAFE | (access), (void *)(ptr), (val), sysctl_handle_int, \
	    "IU", (descr), NULL)
#define SYSCTL_ADD_LONG(ctx, parent, nbr, name, access, ptr, descr)	\
	sysctl_add_oid((ctx), (parent), (nbr), (name), CTLTYPE_LONG |		\
	    CTLFLAG_MPSAFE | (access), (void *)(ptr), 0, sysctl_handle_long,	\
	    "L", (descr), NULL)
#define SYSCTL_ADD_ULONG(ctx, parent, nbr, name, access, ptr, descr)	\
	sysctl_add_oid((ctx), (parent), (nbr), (name), CTLTYPE_ULONG |		\
	    CTLFLAG_MPSAFE | (access), (void *)(ptr), 0, sysctl_handle_long,	\
	    "LU", (descr), NULL)
#define SYSCTL_ADD_U64(ctx, parent, nbr, name, access, ptr, val, descr)	\
	sysctl_add_oid((ctx), (parent), (nbr), (name), CTLTYPE_U64 |		\
	    CTLFLAG_MPSAFE | (access), (void *)(ptr), (val), sysctl_handle_64,	\
	    "QU", (descr), NULL)
#define SYSCTL_ADD_BOOL(ctx, parent, nbr, name, access, ptr, val, descr)	\
	sysctl_add_oid((ctx), (parent), (nbr), (name), CTLTYPE_U8 |		\
	    CTLFLAG_MPSAFE | (access), (void *)(ptr), (val),			\
	    sysctl_handle_bool, "CU", (descr), NULL)
#define SYSCTL_ADD_STRING(ctx, parent, nbr, name, access, arg, len, descr) \
	sysctl_add_oid((ctx), (parent), (nbr), (name), CTLTYPE_STRING |	\
	    CTLFLAG_MPSAFE | (access), (void *)(arg), (len),			\
	    sysctl_handle_string, "A", (descr), NULL)
#define SYSCTL_ADD_OPAQUE(ctx, parent, nbr, name, access, ptr, len, fmt, descr) \
	sysctl_add_oid((ctx), (parent), (nbr), (name), CTLTYPE_OPAQUE |	\
	    (access), (void *)(ptr), (len), sysctl_handle_opaque, (fmt),	\
	    (descr), NULL)
#define SYSCTL_ADD_COUNTER_U64(ctx, parent, nbr, name, access, ptr, descr) \
	sysctl_add_oid((ctx), (parent), (nbr), (name), CTLTYPE_U64 |		\
	    CTLFLAG_MPSAFE | CTLFLAG_STATS | (access), (void *)(ptr), 0,	\
	    sysctl_handle_counter_u64, "QU", (descr), NULL)
#define SYSCTL_ADD_COUNTER_U64_ARRAY(ctx, parent, nbr, name, access, ptr, len, descr) \
	sysctl_add_oid((ctx), (parent), (nbr), (name), CTLTYPE_OPAQUE |	\
	    CTLFLAG_MPSAFE | CTLFLAG_STATS | (access), (void *)(ptr), (len),	\
	    sysctl_handle_counter_u64_array, "S", (descr), NULL)
#define SYSCTL_ADD_PROC(ctx, parent, nbr, name, access, ptr, arg, handler, fmt, descr) \
	sysctl_add_oid((ctx), (parent), (nbr), (name), (access), (void *)(ptr), \
	    (arg), (handler), (fmt), (descr), NULL)

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
