// Registers the FreeBSD personality and the ctl_ioctl driver (called from
// drivers/registry.cc).
#include "kernel_model/drivers.h"
#include "kernel_model/freebsd/personality.h"

extern "C" {
extern const struct ks_driver_desc ks_driver_ctl_ioctl;
}

void ks_register_ctl_ioctl() {
  ks::km::freebsd::register_personality();
  ks::km::register_driver(&ks_driver_ctl_ioctl);
}
