// The red-black tree behind <sys/tree.h>: one implementation over the
// entry's offset in an element, so a driver's RB_GENERATE stays a few
// typed calls. Insert and remove keep the red-black rules (a red node has
// black children; every path from a node down has as many black nodes),
// so a tree of n elements is at most 2 log2(n+1) deep.
#include <cstddef>

extern "C" {
#include <sys/tree.h>
}

namespace {

// RB_ENTRY's layout.
struct Entry {
  void* left;
  void* right;
  void* parent;
  int color;
};

struct Tree {
  void** rootp;
  size_t off;

  Entry* e(void* n) const { return reinterpret_cast<Entry*>(static_cast<char*>(n) + off); }
  void*& left(void* n) const { return e(n)->left; }
  void*& right(void* n) const { return e(n)->right; }
  void*& parent(void* n) const { return e(n)->parent; }
  bool red(void* n) const { return n && e(n)->color == RB_RED; }
  void paint(void* n, int c) const { e(n)->color = c; }

  // Puts `to` where `from` hangs from `p` (or at the root).
  void relink(void* p, void* from, void* to) const {
    if (!p) *rootp = to;
    else if (left(p) == from) left(p) = to;
    else right(p) = to;
  }

  void rotate_left(void* x) const {
    void* y = right(x);
    right(x) = left(y);
    if (left(y)) parent(left(y)) = x;
    parent(y) = parent(x);
    relink(parent(x), x, y);
    left(y) = x;
    parent(x) = y;
  }

  void rotate_right(void* x) const {
    void* y = left(x);
    left(x) = right(y);
    if (right(y)) parent(right(y)) = x;
    parent(y) = parent(x);
    relink(parent(x), x, y);
    right(y) = x;
    parent(x) = y;
  }

  void insert_fixup(void* z) const {
    void* p;
    while ((p = parent(z)) && red(p)) {
      void* g = parent(p);  // p is red, so not the root
      bool on_left = p == left(g);
      void* uncle = on_left ? right(g) : left(g);
      if (red(uncle)) {
        paint(p, RB_BLACK);
        paint(uncle, RB_BLACK);
        paint(g, RB_RED);
        z = g;
        continue;
      }
      if (z == (on_left ? right(p) : left(p))) {
        z = p;
        on_left ? rotate_left(z) : rotate_right(z);
        p = parent(z);
      }
      paint(p, RB_BLACK);
      paint(g, RB_RED);
      on_left ? rotate_right(g) : rotate_left(g);
    }
    paint(*rootp, RB_BLACK);
  }

  // x (maybe null) under p carries an extra black after a removal.
  void remove_fixup(void* p, void* x) const {
    while (x != *rootp && !red(x)) {
      bool on_left = left(p) == x;
      void* w = on_left ? right(p) : left(p);  // never null: p's other side has black height >= 1
      if (red(w)) {
        paint(w, RB_BLACK);
        paint(p, RB_RED);
        on_left ? rotate_left(p) : rotate_right(p);
        w = on_left ? right(p) : left(p);
      }
      void* near = on_left ? left(w) : right(w);
      void* far = on_left ? right(w) : left(w);
      if (!red(near) && !red(far)) {
        paint(w, RB_RED);
        x = p;
        p = parent(x);
        continue;
      }
      if (!red(far)) {
        paint(near, RB_BLACK);
        paint(w, RB_RED);
        on_left ? rotate_right(w) : rotate_left(w);
        w = on_left ? right(p) : left(p);
        far = on_left ? right(w) : left(w);
      }
      paint(w, e(p)->color);
      paint(p, RB_BLACK);
      paint(far, RB_BLACK);
      on_left ? rotate_left(p) : rotate_right(p);
      x = *rootp;
    }
    if (x) paint(x, RB_BLACK);
  }

  void remove(void* z) const {
    void* child;
    void* p;
    int color;
    if (!left(z) || !right(z)) {
      child = left(z) ? left(z) : right(z);
      p = parent(z);
      color = e(z)->color;
      if (child) parent(child) = p;
      relink(p, z, child);
    } else {
      // Two children: z's successor y (no left child) takes z's place.
      void* y = right(z);
      while (left(y)) y = left(y);
      child = right(y);
      p = parent(y);
      color = e(y)->color;
      if (child) parent(child) = p;
      relink(p, y, child);
      if (p == z) p = y;
      *e(y) = *e(z);
      relink(parent(z), z, y);
      parent(left(y)) = y;
      if (right(y)) parent(right(y)) = y;
    }
    if (color == RB_BLACK) remove_fixup(p, child);
  }

  int check(void* n, ks_fb_rb_cmp_t cmp) const {
    if (!n) return 0;
    if (red(n) && (red(left(n)) || red(right(n)))) return -1;
    if (left(n) && (parent(left(n)) != n || cmp(left(n), n) >= 0)) return -1;
    if (right(n) && (parent(right(n)) != n || cmp(right(n), n) <= 0)) return -1;
    int l = check(left(n), cmp);
    int r = check(right(n), cmp);
    if (l < 0 || l != r) return -1;
    return l + (red(n) ? 0 : 1);
  }
};

}  // namespace

extern "C" {

void* ks_fb_rb_insert(void** rootp, void* elm, size_t off, ks_fb_rb_cmp_t cmp) {
  Tree t{rootp, off};
  void* p = nullptr;
  int c = 0;
  for (void* n = *rootp; n; n = c < 0 ? t.left(n) : t.right(n)) {
    p = n;
    c = cmp(elm, n);
    if (c == 0) return n;  // RB_INSERT's answer for a key already there
  }
  *t.e(elm) = Entry{nullptr, nullptr, p, RB_RED};
  if (!p) *rootp = elm;
  else if (c < 0) t.left(p) = elm;
  else t.right(p) = elm;
  t.insert_fixup(elm);
  return nullptr;
}

void* ks_fb_rb_remove(void** rootp, void* elm, size_t off) {
  Tree{rootp, off}.remove(elm);
  return elm;
}

void* ks_fb_rb_find(void* root, const void* key, size_t off, ks_fb_rb_cmp_t cmp) {
  Tree t{&root, off};
  for (void* n = root; n;) {
    int c = cmp(key, n);
    if (c == 0) return n;
    n = c < 0 ? t.left(n) : t.right(n);
  }
  return nullptr;
}

void* ks_fb_rb_nfind(void* root, const void* key, size_t off, ks_fb_rb_cmp_t cmp) {
  Tree t{&root, off};
  void* least = nullptr;  // the smallest element above key seen so far
  for (void* n = root; n;) {
    int c = cmp(key, n);
    if (c == 0) return n;
    if (c < 0) {
      least = n;
      n = t.left(n);
    } else {
      n = t.right(n);
    }
  }
  return least;
}

void* ks_fb_rb_next(void* elm, size_t off) {
  Tree t{nullptr, off};
  if (t.right(elm)) {
    elm = t.right(elm);
    while (t.left(elm)) elm = t.left(elm);
    return elm;
  }
  while (t.parent(elm) && elm == t.right(t.parent(elm))) elm = t.parent(elm);
  return t.parent(elm);
}

void* ks_fb_rb_prev(void* elm, size_t off) {
  Tree t{nullptr, off};
  if (t.left(elm)) {
    elm = t.left(elm);
    while (t.right(elm)) elm = t.right(elm);
    return elm;
  }
  while (t.parent(elm) && elm == t.left(t.parent(elm))) elm = t.parent(elm);
  return t.parent(elm);
}

void* ks_fb_rb_minmax(void* root, size_t off, int dir) {
  Tree t{nullptr, off};
  void* last = nullptr;
  for (void* n = root; n; n = dir < 0 ? t.left(n) : t.right(n)) last = n;
  return last;
}

int ks_fb_rb_check(void* root, size_t off, ks_fb_rb_cmp_t cmp) {
  Tree t{&root, off};
  if (t.red(root) || (root && t.parent(root))) return -1;
  return t.check(root, cmp);
}

}  // extern "C"
