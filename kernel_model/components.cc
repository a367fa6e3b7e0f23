// Component slots for what sits above the kernel model (the personalities):
// each takes one when the host starts, so the World names none of them and
// a new personality needs no change here.
#include <cstdio>
#include <cstdlib>

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

}  // namespace ks::km
