// illumos id spaces (sys/id_space.h for the rules): a bitmap of the ids in
// use, in kmem with the space's record.
#include <cstdint>
#include <cstring>

extern "C" {
#include <sys/id_space.h>
}

#include "kernel_model/illumos/arena_wait.h"
#include "kernsim/abi.h"

struct id_space {
  char name[32];
  int64_t low, high;  // [low, high)
  int64_t next;       // where id_alloc's next-fit search starts
  int64_t used;
  uint8_t* bits;      // (high - low) bits
  // Where id_alloc waits on a full space (vmem's vm_cv): made at the first
  // wait, so a space nobody waits on adds no object to an execution.
  uint32_t waitq;
};

namespace {

bool taken(const id_space* s, int64_t id) {
  int64_t i = id - s->low;
  return s->bits[i >> 3] & (1u << (i & 7));
}
void mark(id_space* s, int64_t id, bool on) {
  int64_t i = id - s->low;
  if (on) s->bits[i >> 3] |= uint8_t(1u << (i & 7)); else s->bits[i >> 3] &= uint8_t(~(1u << (i & 7)));
  s->used += on ? 1 : -1;
}
size_t map_bytes(int64_t low, int64_t high) { return size_t((high - low + 7) / 8); }

// The first free id at or after `from`, wrapping; -1 when full.
id_t first_free(id_space* s, int64_t from) {
  int64_t n = s->high - s->low;
  for (int64_t k = 0; k < n; k++) {
    int64_t id = s->low + ((from - s->low + k) % n);
    if (!taken(s, id)) {
      mark(s, id, true);
      return static_cast<id_t>(id);
    }
  }
  return static_cast<id_t>(-1);
}

// id_alloc and id_allocff are vmem_alloc(VM_SLEEP): on a full space they
// wait for an id_free (arena_wait.h), then search again.
id_t sleeping(id_space* s, id_t (*take)(id_space*)) {
  for (;;) {
    id_t id = take(s);
    if (id != static_cast<id_t>(-1)) return id;
    ks::km::illumos::arena_wait(&s->waitq, s->name, "id_alloc");
  }
}

}  // namespace

extern "C" {

id_space_t* id_space_create(const char* name, id_t low, id_t high) {
  int64_t lo = static_cast<int>(low), hi = static_cast<int>(high);
  if (hi <= lo) ks_panic("id_space_create(%s, %ld, %ld): an empty range", name, long(lo), long(hi));
  auto* s = static_cast<id_space*>(
      ks_kmem_alloc(sizeof(struct id_space), KS_KM_SLEEP | KS_KM_ZERO, "id_space"));
  std::strncpy(s->name, name ? name : "id_space", sizeof s->name - 1);
  s->low = s->next = lo;
  s->high = hi;
  s->bits = static_cast<uint8_t*>(ks_kmem_alloc(map_bytes(lo, hi), KS_KM_SLEEP | KS_KM_ZERO,
                                                "id_space"));
  return s;
}

void id_space_destroy(id_space_t* s) {
  if (s->used)  // vmem_destroy's warning on illumos, not a panic
    ks_log(2, "id_space_destroy(%s): %ld ids still allocated", s->name, long(s->used));
  ks_kmem_free(s->bits, map_bytes(s->low, s->high), "id_space_destroy");
  ks_kmem_free(s, sizeof(struct id_space), "id_space_destroy");
}

void id_space_extend(id_space_t* s, id_t low, id_t high) {
  int64_t lo = static_cast<int>(low), hi = static_cast<int>(high);
  if (lo != s->high || hi <= lo) ks_not_modelled("id_space_extend by a range not adjoining the top");
  auto* bits = static_cast<uint8_t*>(ks_kmem_alloc(map_bytes(s->low, hi), KS_KM_SLEEP | KS_KM_ZERO,
                                                   "id_space"));
  std::memcpy(bits, s->bits, map_bytes(s->low, s->high));
  ks_kmem_free(s->bits, map_bytes(s->low, s->high), "id_space_extend");
  s->bits = bits;
  s->high = hi;
}

id_t id_alloc_nosleep(id_space_t* s) {
  id_t id = first_free(s, s->next);
  if (id != static_cast<id_t>(-1)) s->next = int64_t(static_cast<int>(id)) + 1 < s->high
                                                ? int64_t(static_cast<int>(id)) + 1 : s->low;
  return id;
}
id_t id_alloc(id_space_t* s) { return sleeping(s, id_alloc_nosleep); }
id_t id_allocff_nosleep(id_space_t* s) { return first_free(s, s->low); }
id_t id_allocff(id_space_t* s) { return sleeping(s, id_allocff_nosleep); }

id_t id_alloc_specific_nosleep(id_space_t* s, id_t id) {
  int64_t v = static_cast<int>(id);
  if (v < s->low || v >= s->high || taken(s, v)) return static_cast<id_t>(-1);
  mark(s, v, true);
  return id;
}

void id_free(id_space_t* s, id_t id) {
  int64_t v = static_cast<int>(id);
  if (v < s->low || v >= s->high || !taken(s, v))
    ks_panic("id_free(%s, %ld): an id not allocated from the space", s->name, long(v));
  mark(s, v, false);
  ks::km::illumos::arena_wake(s->waitq);
}

}  // extern "C"
