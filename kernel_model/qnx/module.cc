// The QNX loader onto the kernel model's module life (module_life.h): a
// resource manager's set-up (its main() up to the pool's start) is the
// module's init; at teardown, after every client's file was closed, its
// stop (detach, destroy the pool and the dispatch) is the finish.
#include <cerrno>
#include <memory>
#include <string>

#include "kernel_model/boot_image.h"
#include "kernel_model/devsw.h"
#include "kernel_model/drivers.h"
#include "kernel_model/module_life.h"
#include "kernel_model/qnx/state.h"
#include "kernel_model/world.h"

namespace ks::km::qnx {

namespace {

const int kQnxSlot = World::new_component_slot();

struct QnxModule : DriverRecordOf<QnxModule> {
  const ks_driver_desc* desc = nullptr;
  ModuleLife life;
  ModuleLife* module_life() override { return &life; }
};

// A resource manager is a process, not a kernel module: it stops by
// exiting (slay), which the model does not script.
const char* no_scripted_unload(World&, void*) {
  return "a QNX resource manager is a process: it goes by exiting, and a scripted exit is "
         "not modelled";
}

int start(World&, void* mod) { return static_cast<QnxModule*>(mod)->desc->mod_init(); }
int stop(World&, void* mod) {
  auto* m = static_cast<QnxModule*>(mod);
  return m->desc->mod_fini ? m->desc->mod_fini() : 0;
}

void load(World& w, const ks_driver_desc* desc, const void*) {
  if (!desc->mod_init)
    w.fail(sim::FailureKind::kPanic,
           std::string("driver ") + desc->name + " names no start function",
           std::string("modload:no_start:") + desc->name);
  auto rec = std::make_shared<QnxModule>();
  devsw(w).driver_records.push_back(rec);
  QnxModule& m = *rec;
  m.desc = desc;
  ModuleLife& l = m.life;
  l.driver = desc->name;
  l.mod = &m;
  l.init = start;
  l.fini = stop;
  l.init_name = "start";
  l.fini_name = "stop";
  l.fini_signature = "stop_failed";
  l.image = desc;
  l.no_scripted_unload = no_scripted_unload;
  l.gone_errno = ENOENT;
  module_life_load(w, l);
}

}  // namespace

// The driver holds dispatch, pool and attach pointers: restored in place.
[[maybe_unused]] const bool image_hook =
    (World::set_component_image(
         kQnxSlot,
         records_image<QnxState, &QnxState::dispatches, &QnxState::pools, &QnxState::attaches,
                       &QnxState::pthreads, &QnxState::threads>()),
     true);

QnxState& state(World& w) {
  auto& slot = w.component(kQnxSlot);
  if (!slot) {
    auto s = std::make_shared<QnxState>();
    s->major = devsw_new_major(w);
    slot = s;
  }
  return *static_cast<QnxState*>(slot.get());
}

Attach* attach_of(World& w, int id) {
  QnxState& s = state(w);
  return id > 0 && size_t(id) <= s.attaches.size() ? &s.attaches[id - 1] : nullptr;
}

[[maybe_unused]] const bool registered = (km::register_personality("qnx", load), true);

}  // namespace ks::km::qnx
