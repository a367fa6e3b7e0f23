/*
 * illumos <sys/list.h>: doubly linked lists through a list_node_t embedded
 * in each object at a fixed offset (list_create(9F)). Plain data structure
 * code: no locking, no scheduling points (the driver's locks guard it).
 */
#ifndef _KS_ILLUMOS_SYS_LIST_H
#define _KS_ILLUMOS_SYS_LIST_H

#include <sys/types.h>
#include <sys/debug.h>

typedef struct list_node {
	struct list_node *list_next;
	struct list_node *list_prev;
} list_node_t;

typedef struct list {
	size_t list_size;
	size_t list_offset;
	list_node_t list_head;
} list_t;

#define KS_LIST_D2L(l, obj) ((list_node_t *)((char *)(obj) + (l)->list_offset))
#define KS_LIST_L2D(l, node) ((void *)((char *)(node) - (l)->list_offset))

static inline void list_create(list_t *l, size_t size, size_t offset)
{ l->list_size = size; l->list_offset = offset;
  l->list_head.list_next = l->list_head.list_prev = &l->list_head; }
static inline int list_is_empty(list_t *l) { return l->list_head.list_next == &l->list_head; }
/* destroying a list that still holds objects is an ASSERT failure */
static inline void list_destroy(list_t *l)
{ ASSERT(list_is_empty(l)); l->list_head.list_next = l->list_head.list_prev = NULL; }
static inline void list_link_init(list_node_t *n) { n->list_next = n->list_prev = NULL; }
static inline int list_link_active(list_node_t *n) { return n->list_next != NULL; }
/*
 * No check that the new node is unlinked: illumos list.c's insert macros
 * never read it (uts/common/os/list.c), and an object from kmem_alloc or a
 * cache whose constructor leaves the node alone holds garbage there (the
 * check was a false panic on tests/drivers/ilpool.c's leases).
 */
static inline void ks_list_insert_after_node(list_node_t *at, list_node_t *n)
{ n->list_prev = at; n->list_next = at->list_next;
  at->list_next->list_prev = n; at->list_next = n; }
static inline void list_insert_head(list_t *l, void *obj)
{ ks_list_insert_after_node(&l->list_head, KS_LIST_D2L(l, obj)); }
static inline void list_insert_tail(list_t *l, void *obj)
{ ks_list_insert_after_node(l->list_head.list_prev, KS_LIST_D2L(l, obj)); }
/* object NULL: at the head (after) or the tail (before), as illumos does */
static inline void list_insert_after(list_t *l, void *obj, void *nobj)
{ if (obj == NULL) list_insert_head(l, nobj);
  else ks_list_insert_after_node(KS_LIST_D2L(l, obj), KS_LIST_D2L(l, nobj)); }
static inline void list_insert_before(list_t *l, void *obj, void *nobj)
{ if (obj == NULL) list_insert_tail(l, nobj);
  else ks_list_insert_after_node(KS_LIST_D2L(l, obj)->list_prev, KS_LIST_D2L(l, nobj)); }
static inline void list_remove(list_t *l, void *obj)
{ list_node_t *n = KS_LIST_D2L(l, obj);
  ASSERT(list_link_active(n));
  n->list_prev->list_next = n->list_next; n->list_next->list_prev = n->list_prev;
  list_link_init(n); }
static inline void *list_head(list_t *l)
{ return list_is_empty(l) ? NULL : KS_LIST_L2D(l, l->list_head.list_next); }
static inline void *list_tail(list_t *l)
{ return list_is_empty(l) ? NULL : KS_LIST_L2D(l, l->list_head.list_prev); }
static inline void *list_next(list_t *l, void *obj)
{ list_node_t *n = KS_LIST_D2L(l, obj)->list_next;
  return n == &l->list_head ? NULL : KS_LIST_L2D(l, n); }
static inline void *list_prev(list_t *l, void *obj)
{ list_node_t *n = KS_LIST_D2L(l, obj)->list_prev;
  return n == &l->list_head ? NULL : KS_LIST_L2D(l, n); }
static inline void *list_remove_head(list_t *l)
{ void *o = list_head(l); if (o) list_remove(l, o); return o; }
static inline void *list_remove_tail(list_t *l)
{ void *o = list_tail(l); if (o) list_remove(l, o); return o; }
/* appends src's objects to dst, leaving src empty */
static inline void list_move_tail(list_t *dst, list_t *src)
{ list_node_t *dh = &dst->list_head, *sh = &src->list_head;
  ASSERT(dst->list_offset == src->list_offset);
  if (list_is_empty(src)) return;
  dh->list_prev->list_next = sh->list_next; sh->list_next->list_prev = dh->list_prev;
  dh->list_prev = sh->list_prev; sh->list_prev->list_next = dh;
  sh->list_next = sh->list_prev = sh; }
/* puts rnode where lold was */
static inline void list_link_replace(list_node_t *lold, list_node_t *lnew)
{ ASSERT(list_link_active(lold)); ASSERT(!list_link_active(lnew));
  lnew->list_next = lold->list_next; lnew->list_prev = lold->list_prev;
  lold->list_prev->list_next = lnew; lold->list_next->list_prev = lnew;
  list_link_init(lold); }

#endif
