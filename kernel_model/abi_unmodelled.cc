// A kernel interface a personality declares (so real drivers build) but the
// kernel model does not implement: reaching it is a failure of the
// execution naming the interface, host_error "not_modelled:<name>" (the
// simulator's limit, not the driver's bug; the fuzzer does not count it as
// a finding), never a crash and never a silent success.
#include <string>

#include "kernel_model/world.h"
#include "kernsim/abi.h"

extern "C" void ks_not_modelled(const char* what) {
  ks::km::World& w = *ks::km::World::current();
  w.fail(ks::sim::FailureKind::kHostError,
         std::string(what) + " is not modelled by kernsim (reached by thread " +
             w.thread_name(w.self_tid()) + ")",
         std::string("not_modelled:") + what);
}
