// The illumos personality's per-World state and its teardown checks.
#include "kernel_model/illumos/il_state.h"

#include "kernel_model/boot_image.h"
#include "kernel_model/component_pool.h"

extern "C" {
#include <sys/kstat.h>
#include <sys/vnode.h>
}

namespace ks::km::illumos {

namespace {

void check(World& w, IlState& s) {
  for (auto& [path, v] : s.vnodes.live) {
    auto* vp = static_cast<vnode_t*>(v);
    if (vp->v_type == VREG) continue;  // the backing file's own check names those
    w.set_failure(sim::FailureKind::kTeardown,
                  "vnode of device " + path + " still has " + std::to_string(vp->v_count) +
                      " hold(s) at teardown (vnode leak)",
                  "vnode_held:" + path);
    return;
  }
  for (struct kstat* k : s.kstats) {
    w.set_failure(sim::FailureKind::kTeardown,
                  std::string("kstat ") + k->ks_module + ":" + std::to_string(k->ks_instance) +
                      ":" + k->ks_name + " still installed at teardown (kstat_delete missing)",
                  std::string("teardown:kstat_left:") + k->ks_module + ":" + k->ks_name);
    return;
  }
}

}  // namespace

// The personality's World slot, taken when the host starts.
const int kIlSlot = World::new_component_slot();

// A thread's fiber points into its record: restored in place.
[[maybe_unused]] const bool image_hook =
    (World::set_component_image(kIlSlot, records_image<IlState, &IlState::kthreads>()), true);

IlState& il_state(World& w) {
  auto& slot = w.component(kIlSlot);
  if (!slot) {
    auto s = pooled_component<IlState>();
    slot = s;
    IlState* p = s.get();
    w.on_final_check([&w, p] { check(w, *p); });
  }
  return *static_cast<IlState*>(slot.get());
}

}  // namespace ks::km::illumos
