// Component slots for what sits above the kernel model (the personalities):
// each takes one when the host starts, so the World names none of them and
// a new personality needs no change here; and the describers of the waits
// components sleep threads on, for stuck reports (quiesce.cc).
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "kernel_model/world.h"

namespace ks::km {

int World::new_component_slot() {
  // Called from static initialisers, before main: a function-local counter
  // is initialised on first use, whatever the order of the callers' files.
  static int next = kNumCoreSlots;
  if (next == kNumSlots) {
    std::fprintf(stderr, "kernsim: more than %d components registered a World slot\n",
                 kNumSlots - kNumCoreSlots);
    std::abort();
  }
  return next++;
}

std::vector<World::WaitDescriber>& wait_describers() {
  // Function-local for the same reason as new_component_slot's counter.
  static std::vector<World::WaitDescriber> v;
  return v;
}

void World::add_wait_describer(WaitDescriber fn) { wait_describers().push_back(fn); }

}  // namespace ks::km
