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
#include <sys/conf.h>
#include <sys/param.h>
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

// An array of one for ddi_prop_free: the block's size first, as prop_copy.
template <typename T>
T* prop_array_of_one(T v) {
  size_t n = sizeof(size_t) + sizeof(T);
  auto* p = static_cast<char*>(ks_kmem_alloc(n, KS_KM_SLEEP, "ddi_prop_lookup"));
  std::memcpy(p, &n, sizeof n);
  std::memcpy(p + sizeof n, &v, sizeof v);
  return reinterpret_cast<T*>(p + sizeof n);
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

int ddi_prop_lookup_int64_array(dev_t dev, dev_info_t* dip, uint_t, char* name, int64_t** datap,
                                uint_t* nelements) {
  if (!dip || !name || !datap || !nelements) return DDI_PROP_INVAL_ARG;
  auto it = find_prop(dip->props, dev, name);
  if (it == dip->props.end()) return DDI_PROP_NOT_FOUND;
  *datap = prop_array_of_one<int64_t>(it->value);
  *nelements = 1;
  return DDI_PROP_SUCCESS;
}

int ddi_prop_lookup_int_array(dev_t dev, dev_info_t* dip, uint_t flags, char* name, int** datap,
                              uint_t* nelements) {
  if (!dip || !name || !datap || !nelements) return DDI_PROP_INVAL_ARG;
  auto it = find_prop(dip->props, dev, name);
  if (it == dip->props.end()) return DDI_PROP_NOT_FOUND;
  *datap = prop_array_of_one<int>(static_cast<int>(it->value));
  *nelements = 1;
  return DDI_PROP_SUCCESS;
}

// One string: the pointer, then its text, in one block.
int ddi_prop_lookup_string_array(dev_t dev, dev_info_t* dip, uint_t, char* name, char*** datap,
                                 uint_t* nelements) {
  if (!dip || !name || !datap || !nelements) return DDI_PROP_INVAL_ARG;
  auto it = find_prop(dip->str_props, dev, name);
  if (it == dip->str_props.end()) return DDI_PROP_NOT_FOUND;
  const std::string& v = it->value;
  size_t n = sizeof(size_t) + sizeof(char*) + v.size() + 1;
  auto* p = static_cast<char*>(ks_kmem_alloc(n, KS_KM_SLEEP, "ddi_prop_lookup"));
  std::memcpy(p, &n, sizeof n);
  char* text = p + sizeof n + sizeof(char*);
  std::memcpy(text, v.c_str(), v.size() + 1);
  std::memcpy(p + sizeof n, &text, sizeof text);
  *datap = reinterpret_cast<char**>(p + sizeof n);
  *nelements = 1;
  return DDI_PROP_SUCCESS;
}

int ddi_prop_update_int_array(dev_t dev, dev_info_t* dip, char* name, int* data, uint_t n) {
  if (!data || n == 0) return DDI_PROP_INVAL_ARG;
  if (n > 1) ks_not_modelled("ddi_prop_update_int_array of more than one int");
  return ddi_prop_update_int(dev, dip, name, data[0]);
}

int ddi_prop_update_int64_array(dev_t dev, dev_info_t* dip, char* name, int64_t* data,
                                uint_t n) {
  if (!data || n == 0) return DDI_PROP_INVAL_ARG;
  if (n > 1) ks_not_modelled("ddi_prop_update_int64_array of more than one int64");
  return ddi_prop_update_int64(dev, dip, name, data[0]);
}

int ddi_prop_update_string_array(dev_t dev, dev_info_t* dip, char* name, char** data,
                                 uint_t n) {
  if (!data || n == 0) return DDI_PROP_INVAL_ARG;
  if (n > 1) ks_not_modelled("ddi_prop_update_string_array of more than one string");
  return ddi_prop_update_string(dev, dip, name, data[0]);
}

int ddi_getprop(dev_t dev, dev_info_t* dip, int flags, char* name, int defvalue) {
  return ddi_prop_get_int(dev, dip, static_cast<uint_t>(flags), name, defvalue);
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

namespace {

// ddi_prop_op(9F)'s answer for a property found: PROP_EXISTS yes;
// PROP_LEN the length; PROP_LEN_AND_VAL_BUF into the caller's buffer of
// *lengthp bytes (DDI_PROP_BUF_TOO_SMALL and the real length when it does
// not fit); PROP_LEN_AND_VAL_ALLOC into kmem the caller frees with
// kmem_free(*lengthp bytes), sleeping only with DDI_PROP_CANSLEEP
// (DDI_PROP_NO_MEMORY when none).
int prop_answer(ddi_prop_op_t op, int flags, const void* value, int len, caddr_t valuep,
                int* lengthp) {
  if (op == PROP_EXISTS) return DDI_PROP_SUCCESS;
  if (!lengthp) return DDI_PROP_INVAL_ARG;
  switch (op) {
    case PROP_LEN: *lengthp = len; return DDI_PROP_SUCCESS;
    case PROP_LEN_AND_VAL_BUF:
      if (*lengthp < len) {
        *lengthp = len;
        return DDI_PROP_BUF_TOO_SMALL;
      }
      std::memcpy(valuep, value, static_cast<size_t>(len));
      *lengthp = len;
      return DDI_PROP_SUCCESS;
    case PROP_LEN_AND_VAL_ALLOC: {
      void* buf = ks_kmem_alloc(static_cast<size_t>(len),
                                (flags & DDI_PROP_CANSLEEP) ? KS_KM_SLEEP : KS_KM_NOSLEEP,
                                "ddi_prop_op");
      if (!buf) return DDI_PROP_NO_MEMORY;
      std::memcpy(buf, value, static_cast<size_t>(len));
      *reinterpret_cast<void**>(valuep) = buf;
      *lengthp = len;
      return DDI_PROP_SUCCESS;
    }
    default: return DDI_PROP_INVAL_ARG;
  }
}

// ddi_prop_op_size_blksize(9F): the dynamic "Nblocks" (blksize blocks) and
// "Size" (bytes), 64-bit; the legacy 32-bit "nblocks", "size" while the value
// is below UINT_MAX, and "blksize". As on illumos, a value into the caller's
// buffer needs *lengthp to be exactly the property's length
// (DDI_PROP_INVAL_ARG otherwise), and PROP_EXISTS is not an op these answer
// (DDI_PROP_INVAL_ARG). Any other name goes to ddi_prop_op.
int prop_op_sized(dev_t dev, dev_info_t* dip, ddi_prop_op_t op, int flags, char* name,
                  caddr_t valuep, int* lengthp, uint64_t size, uint_t blksize) {
  if (!name || !lengthp || blksize == 0 || (blksize & (blksize - 1)) != 0)
    return DDI_PROP_INVAL_ARG;
  uint64_t nblocks = size / blksize;
  uint64_t v64 = 0;
  uint32_t v32 = 0;
  int len;
  if (std::strcmp(name, "Nblocks") == 0) {
    v64 = nblocks;
    len = sizeof v64;
  } else if (std::strcmp(name, "Size") == 0) {
    v64 = size;
    len = sizeof v64;
  } else if (std::strcmp(name, "nblocks") == 0 && nblocks < UINT32_MAX) {
    v32 = static_cast<uint32_t>(nblocks);
    len = sizeof v32;
  } else if (std::strcmp(name, "size") == 0 && size < UINT32_MAX) {
    v32 = static_cast<uint32_t>(size);
    len = sizeof v32;
  } else if (std::strcmp(name, "blksize") == 0) {
    v32 = blksize;
    len = sizeof v32;
  } else {
    return ddi_prop_op(dev, dip, op, flags, name, valuep, lengthp);
  }
  const void* value = len == sizeof v64 ? static_cast<const void*>(&v64) : &v32;
  int callers = *lengthp;
  *lengthp = len;
  if (op == PROP_LEN) return DDI_PROP_SUCCESS;
  if (op == PROP_LEN_AND_VAL_BUF && callers != len) return DDI_PROP_INVAL_ARG;
  if (op != PROP_LEN_AND_VAL_BUF && op != PROP_LEN_AND_VAL_ALLOC) return DDI_PROP_INVAL_ARG;
  return prop_answer(op, flags, value, len, valuep, lengthp);
}

}  // namespace

extern "C" {

// The driver's own properties (ddi_prop_update_*): a string with its NUL;
// an integer as an int, or as an int64 when it does not fit one (the store
// keeps one 64-bit value per name, not the width it was created with).
int ddi_prop_op(dev_t dev, dev_info_t* dip, ddi_prop_op_t op, int flags, char* name,
                caddr_t valuep, int* lengthp) {
  if (!dip || !name) return DDI_PROP_INVAL_ARG;
  if (auto it = find_prop(dip->str_props, dev, name); it != dip->str_props.end())
    return prop_answer(op, flags, it->value.c_str(), static_cast<int>(it->value.size() + 1),
                       valuep, lengthp);
  if (auto it = find_prop(dip->props, dev, name); it != dip->props.end()) {
    int64_t v = it->value;
    if (v >= INT32_MIN && v <= INT32_MAX) {
      int i = static_cast<int>(v);
      return prop_answer(op, flags, &i, sizeof i, valuep, lengthp);
    }
    return prop_answer(op, flags, &v, sizeof v, valuep, lengthp);
  }
  return DDI_PROP_NOT_FOUND;
}

int ddi_prop_op_nblocks_blksize(dev_t dev, dev_info_t* dip, ddi_prop_op_t op, int flags,
                                char* name, caddr_t valuep, int* lengthp, uint64_t nblocks,
                                uint_t blksize) {
  // a block count whose byte count does not fit 64 bits: ddi_prop_op only
  if (blksize == 0 || nblocks >= UINT64_MAX / blksize)
    return ddi_prop_op(dev, dip, op, flags, name, valuep, lengthp);
  return prop_op_sized(dev, dip, op, flags, name, valuep, lengthp, nblocks * blksize, blksize);
}
int ddi_prop_op_nblocks(dev_t dev, dev_info_t* dip, ddi_prop_op_t op, int flags, char* name,
                        caddr_t valuep, int* lengthp, uint64_t nblocks) {
  return ddi_prop_op_nblocks_blksize(dev, dip, op, flags, name, valuep, lengthp, nblocks,
                                     DEV_BSIZE);
}
int ddi_prop_op_size_blksize(dev_t dev, dev_info_t* dip, ddi_prop_op_t op, int flags,
                             char* name, caddr_t valuep, int* lengthp, uint64_t size,
                             uint_t blksize) {
  return prop_op_sized(dev, dip, op, flags, name, valuep, lengthp, size, blksize);
}
int ddi_prop_op_size(dev_t dev, dev_info_t* dip, ddi_prop_op_t op, int flags, char* name,
                     caddr_t valuep, int* lengthp, uint64_t size) {
  return ddi_prop_op_size_blksize(dev, dip, op, flags, name, valuep, lengthp, size,
                                  DEV_BSIZE);
}

}  // extern "C"
