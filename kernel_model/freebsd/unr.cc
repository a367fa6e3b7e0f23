// unr(9): unit number allocation. FreeBSD facts, checked in freebsd-src
// sys/kern/subr_unit.c: the lowest free number first, -1 when none is
// left; a header made with a NULL mutex shares the kernel's own (one
// MTX_DEF mutex, "unit# allocation"); new_unrhdr KASSERTs 0 <= low <=
// high and allocates M_WAITOK (malloc type M_UNIT); alloc_unrl asserts the
// mutex owned and never sleeps; alloc_unr takes the mutex around it and
// has no WITNESS_WARN; alloc_unr_specific and free_unr
// WITNESS_WARN(WARN_SLEEPOK) and malloc M_WAITOK before they take the
// mutex, so they may sleep; alloc_unr_specific answers -1 for a unit
// already allocated or outside [low, high]; free_unr KASSERTs the unit in
// range and allocated; delete_unrhdr KASSERTs that no unit is allocated;
// clear_unrhdr frees them all. The header is kmem, so one never deleted
// is a leak; the units are a bitmap in the World (FbState::unr_bits).
#include <string>

#include "kernel_model/freebsd/state.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/lock.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/systm.h>
}

#undef panic
#undef printf

struct unrhdr {
  int low;
  int high;
  struct mtx* mtx;
  uint32_t busy;
  uint32_t index;  // in FbState::unr_bits
};

namespace {

using ks::km::World;
using ks::km::freebsd::FbState;

struct mtx* unit_mtx(FbState& st) {
  struct mtx* m = ks::km::freebsd::as_mtx(st.unit_mtx);
  if (!st.unit_mtx_made) {
    ks_fb_mtx_init(m, "unit# allocation", MTX_DEF, "unitmtx");
    st.unit_mtx_made = true;
  }
  return m;
}

std::vector<uint64_t>& bits(struct unrhdr* uh, const char* op) {
  FbState& st = ks::km::freebsd::state(*World::current());
  if (!uh || uh->index >= st.unr_bits.size())
    ks_panic("%s: %p is not a unit number header (new_unrhdr)", op, static_cast<void*>(uh));
  return st.unr_bits[uh->index];
}

// Units count from low; the bitmap covers the lowest ones ever taken.
bool taken(const std::vector<uint64_t>& b, uint64_t rel) {
  return rel / 64 < b.size() && (b[rel / 64] >> (rel % 64) & 1);
}

void set(std::vector<uint64_t>& b, uint64_t rel, bool on) {
  if (rel / 64 >= b.size()) b.resize(rel / 64 + 1);
  if (on) b[rel / 64] |= uint64_t(1) << (rel % 64);
  else b[rel / 64] &= ~(uint64_t(1) << (rel % 64));
}

int lowest_free(struct unrhdr* uh) {
  std::vector<uint64_t>& b = bits(uh, "alloc_unrl");
  uint64_t rel = 0;
  size_t i = 0;
  while (i < b.size() && b[i] == ~uint64_t(0)) i++;
  rel = uint64_t(i) * 64;
  if (i < b.size()) rel += __builtin_ctzll(~b[i]);
  if (rel > uint64_t(int64_t(uh->high) - uh->low)) return -1;
  set(b, rel, true);
  uh->busy++;
  return static_cast<int>(uh->low + int64_t(rel));
}

void may_sleep(const char* op) { World::current()->assert_may_sleep(op, 0); }

}  // namespace

extern "C" {

struct unrhdr* new_unrhdr(int low, int high, struct mtx* mutex) {
  if (low < 0 || low > high) ks_panic("new_unrhdr(%d, %d): needs 0 <= low <= high", low, high);
  FbState& st = ks::km::freebsd::state(*World::current());
  auto* uh = static_cast<struct unrhdr*>(
      ks_kmem_alloc(sizeof(struct unrhdr), KS_KM_SLEEP | KS_KM_ZERO | KS_KM_MALLOC, "M_UNIT"));
  uh->low = low;
  uh->high = high;
  uh->mtx = mutex ? mutex : unit_mtx(st);
  uh->busy = 0;
  uh->index = static_cast<uint32_t>(st.unr_bits.size());
  st.unr_bits.emplace_back();
  return uh;
}

void delete_unrhdr(struct unrhdr* uh) {
  std::vector<uint64_t>& b = bits(uh, "delete_unrhdr");
  if (uh->busy != 0)
    ks_panic("delete_unrhdr: %u unit(s) still allocated", uh->busy);
  std::vector<uint64_t>().swap(b);
  ks_kmem_free(uh, sizeof(struct unrhdr), "delete_unrhdr");
}

void clear_unrhdr(struct unrhdr* uh) {
  std::vector<uint64_t>().swap(bits(uh, "clear_unrhdr"));
  uh->busy = 0;
}

// Nothing waits to be freed here (FreeBSD frees its spare chunks there).
void clean_unrhdrl(struct unrhdr* uh) {
  bits(uh, "clean_unrhdrl");
  ks_fb_mtx_assert(uh->mtx, MA_OWNED, "uh->mtx", "clean_unrhdrl", 0);
}

void clean_unrhdr(struct unrhdr* uh) {
  bits(uh, "clean_unrhdr");
  ks_fb_mtx_lock(uh->mtx, 0, "uh->mtx");
  ks_fb_mtx_unlock(uh->mtx, 0, "uh->mtx");
}

int alloc_unrl(struct unrhdr* uh) {
  bits(uh, "alloc_unrl");
  ks_fb_mtx_assert(uh->mtx, MA_OWNED, "uh->mtx", "alloc_unrl", 0);
  return lowest_free(uh);
}

int alloc_unr(struct unrhdr* uh) {
  bits(uh, "alloc_unr");
  ks_fb_mtx_lock(uh->mtx, 0, "uh->mtx");
  int u = lowest_free(uh);
  ks_fb_mtx_unlock(uh->mtx, 0, "uh->mtx");
  return u;
}

// (The bitmap is looked up after the mutex is taken: another header made
// meanwhile may have moved it.)
int alloc_unr_specific(struct unrhdr* uh, u_int item) {
  bits(uh, "alloc_unr_specific");
  may_sleep("alloc_unr_specific");
  ks_fb_mtx_lock(uh->mtx, 0, "uh->mtx");
  std::vector<uint64_t>& b = bits(uh, "alloc_unr_specific");
  int r = -1;
  if (item >= u_int(uh->low) && item <= u_int(uh->high) && !taken(b, item - uh->low)) {
    set(b, item - uh->low, true);
    uh->busy++;
    r = static_cast<int>(item);
  }
  ks_fb_mtx_unlock(uh->mtx, 0, "uh->mtx");
  return r;
}

void free_unr(struct unrhdr* uh, u_int item) {
  bits(uh, "free_unr");
  may_sleep("free_unr");
  ks_fb_mtx_lock(uh->mtx, 0, "uh->mtx");
  std::vector<uint64_t>& b = bits(uh, "free_unr");
  if (item < u_int(uh->low) || item > u_int(uh->high))
    ks_panic("free_unr(%u): out of the header's range [%d, %d]", item, uh->low, uh->high);
  if (!taken(b, item - uh->low)) ks_panic("free_unr(%u): the unit is not allocated", item);
  set(b, item - uh->low, false);
  uh->busy--;
  ks_fb_mtx_unlock(uh->mtx, 0, "uh->mtx");
}

}  // extern "C"
