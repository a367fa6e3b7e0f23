// devctl_notify(9) (sys/bus.h): the event devd(8) would read, on the
// console, the channel scenarios already read.
#include <string>

#include "kernel_model/world.h"

extern "C" {
#include <sys/bus.h>
}

extern "C" void devctl_notify(const char* system, const char* subsystem, const char* type,
                              const char* data) {
  if (!system || !subsystem || !type) return;  // subr_bus.c drops these
  std::string m = std::string("devctl: !system=") + system + " subsystem=" + subsystem +
                  " type=" + type;
  if (data) m += std::string(" ") + data;
  ks::km::World::current()->log(m);
}
