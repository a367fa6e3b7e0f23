// illumos avl(9F) as a sorted list (sys/avl.h for the rules).
#include <cstdint>

extern "C" {
#include <sys/avl.h>
}

#include "kernsim/abi.h"

namespace {

avl_node_t* node_of(avl_tree_t* t, const void* obj) {
  return reinterpret_cast<avl_node_t*>(reinterpret_cast<uintptr_t>(obj) + t->avl_offset);
}
void* obj_of(avl_tree_t* t, avl_node_t* n) {
  return n ? reinterpret_cast<void*>(reinterpret_cast<uintptr_t>(n) - t->avl_offset) : nullptr;
}

int compare(avl_tree_t* t, const void* a, avl_node_t* n) {
  int d = t->avl_compar(a, obj_of(t, n));
  if (d < -1 || d > 1)
    ks_panic("avl comparator returned %d: it must return -1, 0 or 1 (avl_create(9F))", d);
  return d;
}

// Links n after `prev` (null: at the head).
void link_after(avl_tree_t* t, avl_node_t* prev, avl_node_t* n) {
  avl_node_t* next = prev ? prev->avl_child[1] : t->avl_root;
  n->avl_child[0] = prev;
  n->avl_child[1] = next;
  n->avl_pcb = 1;
  if (prev) prev->avl_child[1] = n; else t->avl_root = n;
  if (next) next->avl_child[0] = n; else t->ks_last = n;
  t->avl_numnodes++;
}

}  // namespace

extern "C" {

void avl_create(avl_tree_t* t, int (*compar)(const void*, const void*), size_t size,
                size_t offset) {
  if (!compar || offset + sizeof(avl_node_t) > size)
    ks_panic("avl_create: no comparator, or a node at offset %zu outside %zu-byte objects",
             offset, size);
  t->avl_root = t->ks_last = nullptr;
  t->avl_compar = compar;
  t->avl_offset = offset;
  t->avl_numnodes = 0;
  t->avl_size = size;
}

void avl_destroy(avl_tree_t* t) {
  if (t->avl_numnodes)
    ks_panic("avl_destroy of a tree still holding %lu nodes", t->avl_numnodes);
}

void* avl_find(avl_tree_t* t, const void* value, avl_index_t* where) {
  avl_node_t* before = nullptr;  // the last node that sorts before value
  for (avl_node_t* n = t->avl_root; n; n = n->avl_child[1]) {
    int d = compare(t, value, n);
    if (d == 0) {
      if (where) *where = 0;
      return obj_of(t, n);
    }
    if (d < 0) break;
    before = n;
  }
  if (where) {
    *where = before ? reinterpret_cast<uintptr_t>(before) | AVL_AFTER
                    : reinterpret_cast<uintptr_t>(t->avl_root) | AVL_BEFORE;
  }
  return nullptr;
}

void avl_insert(avl_tree_t* t, void* obj, avl_index_t where) {
  auto* at = reinterpret_cast<avl_node_t*>(where & ~uintptr_t(1));
  link_after(t, (where & AVL_AFTER) ? at : (at ? at->avl_child[0] : nullptr), node_of(t, obj));
}

void avl_insert_here(avl_tree_t* t, void* obj, void* here, int direction) {
  avl_node_t* h = node_of(t, here);
  link_after(t, direction == AVL_AFTER ? h : h->avl_child[0], node_of(t, obj));
}

void avl_add(avl_tree_t* t, void* obj) {
  avl_index_t where;
  if (avl_find(t, obj, &where)) ks_panic("avl_add of an object equal to one in the tree");
  avl_insert(t, obj, where);
}

void avl_remove(avl_tree_t* t, void* obj) {
  avl_node_t* n = node_of(t, obj);
  if (n->avl_pcb != 1) ks_panic("avl_remove of an object not in a tree");
  avl_node_t* prev = n->avl_child[0];
  avl_node_t* next = n->avl_child[1];
  if (prev) prev->avl_child[1] = next; else t->avl_root = next;
  if (next) next->avl_child[0] = prev; else t->ks_last = prev;
  n->avl_child[0] = n->avl_child[1] = nullptr;
  n->avl_pcb = 0;
  t->avl_numnodes--;
}

void* avl_first(avl_tree_t* t) { return obj_of(t, t->avl_root); }
void* avl_last(avl_tree_t* t) { return obj_of(t, t->ks_last); }

void* avl_walk(avl_tree_t* t, void* obj, int direction) {
  return obj_of(t, node_of(t, obj)->avl_child[direction == AVL_AFTER ? 1 : 0]);
}

void* avl_nearest(avl_tree_t* t, avl_index_t where, int direction) {
  auto* at = reinterpret_cast<avl_node_t*>(where & ~uintptr_t(1));
  if (!at) return nullptr;
  if (where & AVL_AFTER)  // between at and its next
    return obj_of(t, direction == AVL_AFTER ? at->avl_child[1] : at);
  return obj_of(t, direction == AVL_AFTER ? at : at->avl_child[0]);  // before at
}

ulong_t avl_numnodes(avl_tree_t* t) { return t->avl_numnodes; }
boolean_t avl_is_empty(avl_tree_t* t) { return t->avl_numnodes == 0 ? B_TRUE : B_FALSE; }

void avl_swap(avl_tree_t* a, avl_tree_t* b) {
  if (a->avl_compar != b->avl_compar || a->avl_offset != b->avl_offset)
    ks_panic("avl_swap of trees of different kinds");
  avl_tree_t x = *a;
  *a = *b;
  *b = x;
}

void* avl_destroy_nodes(avl_tree_t* t, void** cookie) {
  (void)cookie;
  avl_node_t* n = t->avl_root;
  if (!n) return nullptr;
  void* obj = obj_of(t, n);
  avl_remove(t, obj);
  return obj;
}

}  // extern "C"
