/*
 * FreeBSD <sys/tree.h>: red-black trees (RB_*), the interface a driver
 * writes against: RB_HEAD/RB_ENTRY in its structures, RB_GENERATE for a
 * comparison, then RB_INSERT, RB_FIND, RB_NFIND, RB_REMOVE, RB_MIN/MAX,
 * RB_NEXT/PREV and the RB_FOREACH loops. The generated functions are thin
 * and typed; the balancing lives once in the kernel (freebsd/tree.cc),
 * over the entry's offset in the element, as illumos's avl does.
 *
 * Not here: the splay trees (SPLAY_*), RB_AUGMENT, and the newer
 * RB_INSERT_NEXT/PREV and RB_REINSERT.
 */
#ifndef _KS_FREEBSD_SYS_TREE_H
#define _KS_FREEBSD_SYS_TREE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif
typedef int (*ks_fb_rb_cmp_t)(const void *, const void *);
void *ks_fb_rb_insert(void **rootp, void *elm, size_t off, ks_fb_rb_cmp_t cmp);
void *ks_fb_rb_remove(void **rootp, void *elm, size_t off);
void *ks_fb_rb_find(void *root, const void *key, size_t off, ks_fb_rb_cmp_t cmp);
void *ks_fb_rb_nfind(void *root, const void *key, size_t off, ks_fb_rb_cmp_t cmp);
void *ks_fb_rb_next(void *elm, size_t off);
void *ks_fb_rb_prev(void *elm, size_t off);
void *ks_fb_rb_minmax(void *root, size_t off, int dir);
/* The tree's black height, or -1 when it breaks a red-black rule (tests). */
int ks_fb_rb_check(void *root, size_t off, ks_fb_rb_cmp_t cmp);
#ifdef __cplusplus
}
#endif

#define RB_BLACK	0
#define RB_RED		1
#define RB_NEGINF	-1
#define RB_INF		1

#define RB_HEAD(name, type)						\
struct name {								\
	struct type *rbh_root;						\
}
#define RB_INITIALIZER(root)	{ NULL }
#define RB_INIT(root)		do { (root)->rbh_root = NULL; } while (0)

/* The layout tree.cc walks: three links, then the colour. */
#define RB_ENTRY(type)							\
struct {								\
	struct type *rbe_left;						\
	struct type *rbe_right;						\
	struct type *rbe_parent;					\
	int rbe_color;							\
}

#define RB_LEFT(elm, field)	(elm)->field.rbe_left
#define RB_RIGHT(elm, field)	(elm)->field.rbe_right
#define RB_PARENT(elm, field)	(elm)->field.rbe_parent
#define RB_COLOR(elm, field)	(elm)->field.rbe_color
#define RB_ROOT(head)		(head)->rbh_root
#define RB_EMPTY(head)		(RB_ROOT(head) == NULL)

#define RB_PROTOTYPE(name, type, field, cmp)				\
	RB_PROTOTYPE_INTERNAL(name, type, field, cmp, )
#define RB_PROTOTYPE_STATIC(name, type, field, cmp)			\
	RB_PROTOTYPE_INTERNAL(name, type, field, cmp, __attribute__((unused)) static)
#define RB_PROTOTYPE_INTERNAL(name, type, field, cmp, attr)		\
attr struct type *name##_RB_INSERT(struct name *, struct type *);	\
attr struct type *name##_RB_REMOVE(struct name *, struct type *);	\
attr struct type *name##_RB_FIND(struct name *, struct type *);	\
attr struct type *name##_RB_NFIND(struct name *, struct type *);	\
attr struct type *name##_RB_NEXT(struct type *);			\
attr struct type *name##_RB_PREV(struct type *);			\
attr struct type *name##_RB_MINMAX(struct name *, int)

#define RB_GENERATE(name, type, field, cmp)				\
	RB_GENERATE_INTERNAL(name, type, field, cmp, )
#define RB_GENERATE_STATIC(name, type, field, cmp)			\
	RB_GENERATE_INTERNAL(name, type, field, cmp, __attribute__((unused)) static)
#define RB_GENERATE_INTERNAL(name, type, field, cmp, attr)		\
static int								\
name##_RB_KSCMP(const void *a, const void *b)				\
{									\
	return (cmp)((struct type *)(uintptr_t)a,			\
	    (struct type *)(uintptr_t)b);				\
}									\
attr struct type *							\
name##_RB_INSERT(struct name *head, struct type *elm)			\
{									\
	return ((struct type *)ks_fb_rb_insert((void **)&head->rbh_root,\
	    elm, offsetof(struct type, field), name##_RB_KSCMP));	\
}									\
attr struct type *							\
name##_RB_REMOVE(struct name *head, struct type *elm)			\
{									\
	return ((struct type *)ks_fb_rb_remove((void **)&head->rbh_root,\
	    elm, offsetof(struct type, field)));			\
}									\
attr struct type *							\
name##_RB_FIND(struct name *head, struct type *key)			\
{									\
	return ((struct type *)ks_fb_rb_find(head->rbh_root, key,	\
	    offsetof(struct type, field), name##_RB_KSCMP));		\
}									\
attr struct type *							\
name##_RB_NFIND(struct name *head, struct type *key)			\
{									\
	return ((struct type *)ks_fb_rb_nfind(head->rbh_root, key,	\
	    offsetof(struct type, field), name##_RB_KSCMP));		\
}									\
attr struct type *							\
name##_RB_NEXT(struct type *elm)					\
{									\
	return ((struct type *)ks_fb_rb_next(elm,			\
	    offsetof(struct type, field)));				\
}									\
attr struct type *							\
name##_RB_PREV(struct type *elm)					\
{									\
	return ((struct type *)ks_fb_rb_prev(elm,			\
	    offsetof(struct type, field)));				\
}									\
attr struct type *							\
name##_RB_MINMAX(struct name *head, int dir)				\
{									\
	return ((struct type *)ks_fb_rb_minmax(head->rbh_root,		\
	    offsetof(struct type, field), dir));			\
}

#define RB_INSERT(name, x, y)	name##_RB_INSERT(x, y)
#define RB_REMOVE(name, x, y)	name##_RB_REMOVE(x, y)
#define RB_FIND(name, x, y)	name##_RB_FIND(x, y)
#define RB_NFIND(name, x, y)	name##_RB_NFIND(x, y)
#define RB_NEXT(name, x, y)	name##_RB_NEXT(y)
#define RB_PREV(name, x, y)	name##_RB_PREV(y)
#define RB_MIN(name, x)		name##_RB_MINMAX(x, RB_NEGINF)
#define RB_MAX(name, x)		name##_RB_MINMAX(x, RB_INF)

#define RB_FOREACH(x, name, head)					\
	for ((x) = RB_MIN(name, head); (x) != NULL;			\
	    (x) = name##_RB_NEXT(x))
#define RB_FOREACH_FROM(x, name, y)					\
	for ((x) = (y); ((x) != NULL) &&				\
	    ((y) = name##_RB_NEXT(x), (x) != NULL); (x) = (y))
#define RB_FOREACH_SAFE(x, name, head, y)				\
	for ((x) = RB_MIN(name, head); ((x) != NULL) &&		\
	    ((y) = name##_RB_NEXT(x), (x) != NULL); (x) = (y))
#define RB_FOREACH_REVERSE(x, name, head)				\
	for ((x) = RB_MAX(name, head); (x) != NULL;			\
	    (x) = name##_RB_PREV(x))
#define RB_FOREACH_REVERSE_FROM(x, name, y)				\
	for ((x) = (y); ((x) != NULL) &&				\
	    ((y) = name##_RB_PREV(x), (x) != NULL); (x) = (y))
#define RB_FOREACH_REVERSE_SAFE(x, name, head, y)			\
	for ((x) = RB_MAX(name, head); ((x) != NULL) &&		\
	    ((y) = name##_RB_PREV(x), (x) != NULL); (x) = (y))

#endif
