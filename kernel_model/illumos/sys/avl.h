/*
 * illumos <sys/avl.h>: ordered trees through an avl_node_t embedded in each
 * object at a fixed offset (avl_create(9F)). What a driver sees is the
 * illumos interface and its ordering; underneath the nodes keep a sorted
 * doubly linked list (avl_child[0] the previous, [1] the next), so a find
 * or an insert walks the list: slower on large trees, the same answers.
 * As a DEBUG illumos kernel does, a comparator that returns anything but
 * -1, 0 or 1, an avl_add of an object equal to one present, and an
 * avl_destroy of a non-empty tree panic. Plain data structure code: no
 * locking and no scheduling points (the driver's locks guard it).
 */
#ifndef _KS_ILLUMOS_SYS_AVL_H
#define _KS_ILLUMOS_SYS_AVL_H

#include <sys/types.h>

typedef struct avl_node {
	struct avl_node *avl_child[2];	/* [0] previous, [1] next */
	uintptr_t avl_pcb;		/* 1 while in a tree */
} avl_node_t;

/* Where avl_find found no match: the node the new one goes after (the
 * AVL_AFTER bit set), or before the first (AVL_BEFORE, 0 for an empty tree). */
typedef uintptr_t avl_index_t;

typedef struct avl_tree {
	avl_node_t *avl_root;		/* the first node */
	avl_node_t *ks_last;
	int (*avl_compar)(const void *, const void *);
	size_t avl_offset;
	ulong_t avl_numnodes;
	size_t avl_size;
} avl_tree_t;

#define AVL_BEFORE	0
#define AVL_AFTER	1

#ifdef __cplusplus
extern "C" {
#endif
void avl_create(avl_tree_t *, int (*)(const void *, const void *), size_t, size_t);
void avl_destroy(avl_tree_t *);
void *avl_find(avl_tree_t *, const void *, avl_index_t *);
void avl_insert(avl_tree_t *, void *, avl_index_t);
void avl_insert_here(avl_tree_t *, void *, void *, int);
void avl_add(avl_tree_t *, void *);
void avl_remove(avl_tree_t *, void *);
void *avl_first(avl_tree_t *);
void *avl_last(avl_tree_t *);
void *avl_walk(avl_tree_t *, void *, int);
void *avl_nearest(avl_tree_t *, avl_index_t, int);
ulong_t avl_numnodes(avl_tree_t *);
boolean_t avl_is_empty(avl_tree_t *);
void avl_swap(avl_tree_t *, avl_tree_t *);
void *avl_destroy_nodes(avl_tree_t *, void **);
#ifdef __cplusplus
}
#endif

#define AVL_NEXT(tree, node) avl_walk((tree), (node), AVL_AFTER)
#define AVL_PREV(tree, node) avl_walk((tree), (node), AVL_BEFORE)

#endif
