// Lock-order checking in the manner of FreeBSD's WITNESS and Linux lockdep:
// every acquisition made while holding other locks adds "held before" edges
// between lock classes (a class is a lock's name, so the locks of every
// instance of a soft state share one); an acquisition that closes a cycle
// is a lock-order reversal, reported even when this interleaving did not
// deadlock. The graph lives for one World (one boot).
#include <string>
#include <string_view>
#include <vector>

#include "kernel_model/boot_image.h"
#include "kernel_model/code_site.h"
#include "kernel_model/component_pool.h"
#include "kernel_model/race.h"
#include "kernel_model/world.h"

namespace ks::km {

namespace {
std::string site_or_kernel(uintptr_t at) {
  if (at == kSiteNotKept) return " (site not kept: over " + std::to_string(kSitesKept) + " locks held)";
  return at ? at_site(at) : std::string(" (taken by the kernel)");
}
}  // namespace

struct WitnessState {
  struct Edge {
    uint32_t from, to;
    Tid tid;
    uint64_t step;
    uintptr_t from_at, to_at;  // where the thread took each (KThread::held_at)
  };
  std::vector<std::string_view> classes;  // class id - 1 -> name
  std::vector<Edge> edges;
  // path()'s scratch, kept with the state so a new edge allocates nothing.
  std::vector<const Edge*> rev;
  std::vector<uint32_t> seen;

  // Recycled (component_pool.h): empty, the vectors keeping their storage.
  void recycle() {
    classes.clear();
    edges.clear();
  }

  uint32_t class_of(KObject& o, const char* name) {
    if (o.witness_class) return o.witness_class;
    for (size_t i = 0; i < classes.size(); i++)
      if (classes[i] == name) return o.witness_class = static_cast<uint32_t>(i + 1);
    classes.emplace_back(name);
    return o.witness_class = static_cast<uint32_t>(classes.size());
  }
  bool has_edge(uint32_t a, uint32_t b) const {
    for (const Edge& e : edges)
      if (e.from == a && e.to == b) return true;
    return false;
  }
  // A path from a to b, as edges; empty if none.
  bool path(uint32_t a, uint32_t b, std::vector<const Edge*>& out,
            std::vector<uint32_t>& seen) const {
    if (a == b) return true;
    for (uint32_t s : seen)
      if (s == a) return false;
    seen.push_back(a);
    for (const Edge& e : edges) {
      if (e.from != a) continue;
      out.push_back(&e);
      if (path(e.to, b, out, seen)) return true;
      out.pop_back();
    }
    return false;
  }
};

void World::held_push_slow(ObjId lock, uintptr_t at) {
  KThread& k = self();
  if (k.nheld == kMaxHeld)
    fail(sim::FailureKind::kLockMisuse,
         std::string("thread ") + thread_name(self_tid()) + " holds more than " +
             std::to_string(kMaxHeld) + " locks",
         "too_many_locks");
  if (k.nheld < kSitesKept) k.held_at[k.nheld] = at;
  k.held[k.nheld++] = lock;
  // An rwlock's edges depend on the mode it is held in (rwlock.cc).
  if (race_on(*this) && obj(lock).kind != kObjRwlock) race_acquire(*this, lock);
}

void World::held_pop_slow(ObjId lock) {
  if (race_on(*this) && obj(lock).kind != kObjRwlock) race_release(*this, lock);
  KThread& k = self();
  for (int i = k.nheld - 1; i >= 0; i--) {
    if (k.held[i] != lock) continue;
    for (int j = i; j + 1 < k.nheld; j++) {
      k.held[j] = k.held[j + 1];
      if (j < kSitesKept) k.held_at[j] = k.site(j + 1);
    }
    k.nheld--;
    return;
  }
}

[[maybe_unused]] const bool image_hook =
    (World::set_component_image(World::kSlotWitness, value_image<WitnessState>()), true);

void World::witness_order(ObjId lock, uintptr_t at) {
  KThread& k = self();
  auto& slot = component(kSlotWitness);
  if (!slot) slot = pooled_component<WitnessState>();
  auto& ws = *static_cast<WitnessState*>(slot.get());
  uint32_t to = ws.class_of(obj(lock), name(lock));
  for (int i = 0; i < k.nheld; i++) {
    uint32_t from = ws.class_of(obj(k.held[i]), name(k.held[i]));
    if (from == to || ws.has_edge(from, to)) continue;
    std::vector<const WitnessState::Edge*>& rev = ws.rev;
    rev.clear();
    ws.seen.clear();
    if (ws.path(to, from, rev, ws.seen)) {
      // As WITNESS lists them: the held lock where it was taken (1st),
      // the one being taken where (2nd), then the order this contradicts.
      std::string msg = std::string("lock order reversal: thread ") + thread_name(self_tid()) +
                        " acquires " + name(lock) + " while holding " + name(k.held[i]) +
                        ", but the established order is";
      for (const auto* e : rev)
        msg += std::string("\n  ") + std::string(ws.classes[e->from - 1]) + " before " +
               std::string(ws.classes[e->to - 1]) + " (thread " + thread_name(e->tid) +
               " at step " + std::to_string(e->step) + ": " +
               std::string(ws.classes[e->from - 1]) + site_or_kernel(e->from_at) + ", then " +
               std::string(ws.classes[e->to - 1]) + site_or_kernel(e->to_at) + ")";
      msg += std::string("\n 1st ") + name(k.held[i]) + site_or_kernel(k.site(i)) +
             std::string("\n 2nd ") + name(lock) + site_or_kernel(at);
      std::string a(ws.classes[from - 1]), b(ws.classes[to - 1]);
      fail(sim::FailureKind::kLockOrder, msg,
           "lock_order:" + (a < b ? a + ":" + b : b + ":" + a));
    }
    ws.edges.push_back({from, to, self_tid(), sim_.step(), k.site(i), at});
  }
  held_push(lock, at);
}

}  // namespace ks::km
