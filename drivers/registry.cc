// The list of shipped drivers: add a line per driver (its desc is defined
// by its personality's registration macro, e.g. KS_ILLUMOS_DRIVER).
#include "drivers/registry.h"

#include "kernel_model/drivers.h"
#include "kernel_model/illumos/personality.h"

extern "C" {
extern const struct ks_driver_desc ks_driver_sample;
extern const struct ks_driver_desc ks_driver_lofi;
}

void ks_register_ctl_ioctl();  // drivers/ctl_ioctl/register.cc (FreeBSD)

void ks_register_all_drivers() {
  ks::km::illumos::register_personality();
  ks::km::register_driver(&ks_driver_sample);
  ks::km::register_driver(&ks_driver_lofi);
  ks_register_ctl_ioctl();
}
