// illumos device properties: integer properties of a dev_t kept with the
// dev_info (what prtconf would show); ddi_prop_remove_all at detach drops them.
#include <cstdint>
#include <string>

#include "kernel_model/illumos/dev_impl.h"

extern "C" {
#include <sys/sunddi.h>
}

extern "C" {

int ddi_prop_update_int64(dev_t dev, dev_info_t* dip, char* name, int64_t v) {
  if (!dip || !name || !*name) return DDI_PROP_INVAL_ARG;
  dip->props[{static_cast<uint64_t>(dev), name}] = v;
  return DDI_PROP_SUCCESS;
}

int ddi_prop_update_int(dev_t dev, dev_info_t* dip, char* name, int v) {
  return ddi_prop_update_int64(dev, dip, name, v);
}

int64_t ddi_prop_get_int64(dev_t dev, dev_info_t* dip, uint_t, char* name, int64_t defvalue) {
  if (!dip || !name) return defvalue;
  auto it = dip->props.find({static_cast<uint64_t>(dev), name});
  return it == dip->props.end() ? defvalue : it->second;
}

int ddi_prop_remove(dev_t dev, dev_info_t* dip, char* name) {
  if (!dip || !name) return DDI_PROP_INVAL_ARG;
  return dip->props.erase({static_cast<uint64_t>(dev), name}) ? DDI_PROP_SUCCESS
                                                               : DDI_PROP_NOT_FOUND;
}

void ddi_prop_remove_all(dev_info_t* dip) {
  if (dip) dip->props.clear();
}

}  // extern "C"
