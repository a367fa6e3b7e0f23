// illumos device properties: integer and string properties of a dev_t kept
// with the dev_info (what prtconf would show); ddi_prop_remove_all at detach
// drops them. A lookup matches the dev_t the property was created with, or
// any with DDI_DEV_T_ANY; a string lookup hands out a kmem copy the driver
// frees with ddi_prop_free (a leak otherwise, as on illumos).
#include <cstdint>
#include <cstring>
#include <string>

#include "kernel_model/illumos/dev_impl.h"

extern "C" {
#include <sys/sunddi.h>
}

extern "C" {

int ddi_prop_update_int64(dev_t dev, dev_info_t* dip, char* name, int64_t v) {
  if (!dip || !name || !*name) return DDI_PROP_INVAL_ARG;
  dip->props.get(static_cast<uint64_t>(dev), name) = v;
  return DDI_PROP_SUCCESS;
}

int ddi_prop_update_int(dev_t dev, dev_info_t* dip, char* name, int v) {
  return ddi_prop_update_int64(dev, dip, name, v);
}

}  // extern "C"

namespace {

// The property `name` matching dev (any dev for DDI_DEV_T_ANY: the first
// in (dev, name) order), or end().
template <typename Table>
auto find_prop(Table& m, dev_t dev, const char* name) {
  if (dev != DDI_DEV_T_ANY) return m.find(static_cast<uint64_t>(dev), name);
  for (auto it = m.begin(); it != m.end(); ++it)
    if (it->name == name) return it;
  return m.end();
}

// A string property's kmem copy: its length is the word before the text,
// so ddi_prop_free, which gets only the pointer, can free it exactly.
char* prop_copy(const std::string& v) {
  size_t n = sizeof(size_t) + v.size() + 1;
  auto* p = static_cast<char*>(ks_kmem_alloc(n, KS_KM_SLEEP, "ddi_prop_lookup"));
  std::memcpy(p, &n, sizeof n);
  std::memcpy(p + sizeof n, v.c_str(), v.size() + 1);
  return p + sizeof n;
}

}  // namespace

extern "C" {

int64_t ddi_prop_get_int64(dev_t dev, dev_info_t* dip, uint_t, char* name, int64_t defvalue) {
  if (!dip || !name) return defvalue;
  auto it = find_prop(dip->props, dev, name);
  return it == dip->props.end() ? defvalue : it->value;
}

int ddi_prop_get_int(dev_t dev, dev_info_t* dip, uint_t flags, char* name, int defvalue) {
  return static_cast<int>(ddi_prop_get_int64(dev, dip, flags, name, defvalue));
}

int ddi_prop_exists(dev_t dev, dev_info_t* dip, uint_t, char* name) {
  if (!dip || !name) return 0;
  return find_prop(dip->props, dev, name) != dip->props.end() ||
         find_prop(dip->str_props, dev, name) != dip->str_props.end();
}

int ddi_prop_update_string(dev_t dev, dev_info_t* dip, char* name, char* data) {
  if (!dip || !name || !*name || !data) return DDI_PROP_INVAL_ARG;
  dip->str_props.get(static_cast<uint64_t>(dev), name) = data;
  return DDI_PROP_SUCCESS;
}

int ddi_prop_lookup_string(dev_t dev, dev_info_t* dip, uint_t, char* name, char** datap) {
  if (!dip || !name || !datap) return DDI_PROP_INVAL_ARG;
  auto it = find_prop(dip->str_props, dev, name);
  if (it == dip->str_props.end()) return DDI_PROP_NOT_FOUND;
  *datap = prop_copy(it->value);
  return DDI_PROP_SUCCESS;
}

void ddi_prop_free(void* data) {
  if (!data) return;
  char* p = static_cast<char*>(data) - sizeof(size_t);
  size_t n;
  std::memcpy(&n, p, sizeof n);
  ks_kmem_free(p, n, "ddi_prop_free");
}

}  // extern "C"

extern "C" {

int ddi_prop_remove(dev_t dev, dev_info_t* dip, char* name) {
  if (!dip || !name) return DDI_PROP_INVAL_ARG;
  size_t n = 0;
  if (auto it = dip->props.find(static_cast<uint64_t>(dev), name); it != dip->props.end()) {
    dip->props.erase(it);
    n++;
  }
  if (auto it = dip->str_props.find(static_cast<uint64_t>(dev), name);
      it != dip->str_props.end()) {
    dip->str_props.erase(it);
    n++;
  }
  return n ? DDI_PROP_SUCCESS : DDI_PROP_NOT_FOUND;
}

void ddi_prop_remove_all(dev_info_t* dip) {
  if (dip) {
    dip->props.clear();
    dip->str_props.clear();
  }
}

}  // extern "C"
