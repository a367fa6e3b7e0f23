// illumos device properties (ddi_prop_update(9F), ddi_prop_lookup(9F),
// ddi_prop_get_int(9F), ddi_prop_create(9F), ddi_prop_op(9F)), kept with the
// dev_info (what prtconf would show); ddi_prop_remove_all at detach drops
// them. Each is typed and encoded as illumos keeps it (prop_table.h's
// PropValue): a typed lookup sees only a property of its type, or one the
// older ddi_prop_create made (DDI_PROP_TYPE_ANY, which is not INT64), as
// i_ddi_prop_search's type test does. A lookup matches the dev_t the
// property was created with, or any with DDI_DEV_T_ANY; it hands out a kmem
// copy the driver frees with ddi_prop_free (a leak otherwise, as on illumos).
// One difference: illumos may keep two properties of one (dev, name) with
// different types; here an update of another type replaces the property.
// ddi_prop_undefine makes a byte property marked undefined (sunddi.c:
// DDI_PROP_UNDEF_IT | DDI_PROP_TYPE_BYTE, no value): a search that finds it
// answers DDI_PROP_UNDEFINED (ddi_prop_search_common), so a byte or untyped
// lookup fails with it, ddi_prop_exists says 0 and ddi_prop_get_int and
// ddi_getprop give the default; a lookup of another type does not see it.
// Here it replaces the (dev, name) it undefines (illumos stacks it in front).
#include <cstdint>
#include <cstring>
#include <string>

#include "kernel_model/illumos/dev_impl.h"

extern "C" {
#include <sys/conf.h>
#include <sys/param.h>
#include <sys/sunddi.h>
}

namespace {

using ks::km::illumos::PropValue;
using Entry = decltype(dev_info::props)::Entry;

// The property `name` of dev in table m (any dev for DDI_DEV_T_ANY: the
// first in (dev, name) order) whose type is in `types`, or null.
Entry* find_in(decltype(dev_info::props)& m, dev_t dev, const char* name, uint32_t types) {
  if (dev != DDI_DEV_T_ANY) {
    Entry* e = m.find(static_cast<uint64_t>(dev), name);
    return e != m.end() && (e->value.type & types) ? e : nullptr;
  }
  for (Entry& e : m)
    if (e.name == name && (e.value.type & types)) return &e;
  return nullptr;
}

// ddi_prop_search_common's order: the driver's own properties, then the
// node's from driver.conf, then the driver's global ones from it. A
// search for DDI_DEV_T_NONE is one for any dev (i_ddi_prop_search), so
// that driver.conf's DDI_DEV_T_NONE properties answer either.
Entry* find_prop(dev_info_t* dip, dev_t dev, const char* name, uint32_t types) {
  if (dev == DDI_DEV_T_NONE) dev = DDI_DEV_T_ANY;
  Entry* e = find_in(dip->props, dev, name, types);
  if (!e && !dip->sys_props.empty()) e = find_in(dip->sys_props, dev, name, types);
  if (!e && !dip->global_props.empty()) e = find_in(dip->global_props, dev, name, types);
  return e;
}

// ddi_prop_update_common: DDI_DEV_T_ANY and an empty name are refused.
int set_prop(dev_t dev, dev_info_t* dip, const char* name, uint32_t type, const void* data,
             size_t len) {
  if (!dip || !name || !*name || dev == DDI_DEV_T_ANY) return DDI_PROP_INVAL_ARG;
  // The nexus nodes are shared by every World: a change would outlive the
  // execution.
  if (dip->nexus) ks_not_modelled("a property update on a nexus node (ddi_root_node, the parent)");
  PropValue& v = dip->props.get(static_cast<uint64_t>(dev), name);
  v.type = type;
  v.undefined = false;
  v.bytes.assign(static_cast<const char*>(data), len);
  return DDI_PROP_SUCCESS;
}

// A kmem block for ddi_prop_free: its size in the word before what the
// driver gets, so ddi_prop_free, which gets only the pointer, frees it
// exactly.
char* prop_block(size_t len) {
  size_t n = sizeof(size_t) + len;
  auto* p = static_cast<char*>(ks_kmem_alloc(n, KS_KM_SLEEP, "ddi_prop_lookup"));
  std::memcpy(p, &n, sizeof n);
  return p + sizeof n;
}

// ddi_prop_lookup_common: not found, or a property with no value (a
// boolean: DDI_PROP_END_OF_DATA), or its bytes copied out as elements of
// `width` bytes (a byte count that is not a multiple cannot be decoded).
int lookup_array(dev_t dev, dev_info_t* dip, const char* name, uint32_t type, size_t width,
                 void** datap, uint_t* nelements) {
  if (!dip || !name || !datap || !nelements) return DDI_PROP_INVAL_ARG;
  Entry* e = find_prop(dip, dev, name, type);
  if (!e) return DDI_PROP_NOT_FOUND;
  if (e->value.undefined) return DDI_PROP_UNDEFINED;
  const std::string& b = e->value.bytes;
  if (b.empty()) return DDI_PROP_END_OF_DATA;
  if (b.size() % width) return DDI_PROP_CANNOT_DECODE;
  char* p = prop_block(b.size());
  std::memcpy(p, b.data(), b.size());
  *datap = p;
  *nelements = static_cast<uint_t>(b.size() / width);
  return DDI_PROP_SUCCESS;
}

// The first element of an int or int64 property, or why there is none.
template <typename T>
int lookup_one(dev_t dev, dev_info_t* dip, const char* name, uint32_t type, T* out) {
  if (!dip || !name) return DDI_PROP_INVAL_ARG;
  Entry* e = find_prop(dip, dev, name, type);
  if (!e) return DDI_PROP_NOT_FOUND;
  if (e->value.undefined) return DDI_PROP_UNDEFINED;
  const std::string& b = e->value.bytes;
  if (b.empty()) return DDI_PROP_END_OF_DATA;
  if (b.size() < sizeof(T)) return DDI_PROP_CANNOT_DECODE;
  std::memcpy(out, b.data(), sizeof(T));
  return DDI_PROP_SUCCESS;
}

}  // namespace

extern "C" {

int ddi_prop_update_int(dev_t dev, dev_info_t* dip, char* name, int v) {
  return set_prop(dev, dip, name, DDI_PROP_TYPE_INT, &v, sizeof v);
}
int ddi_prop_update_int64(dev_t dev, dev_info_t* dip, char* name, int64_t v) {
  return set_prop(dev, dip, name, DDI_PROP_TYPE_INT64, &v, sizeof v);
}
int ddi_prop_update_int_array(dev_t dev, dev_info_t* dip, char* name, int* data, uint_t n) {
  if (!data && n) return DDI_PROP_INVAL_ARG;
  return set_prop(dev, dip, name, DDI_PROP_TYPE_INT, data, size_t(n) * sizeof(int));
}
int ddi_prop_update_int64_array(dev_t dev, dev_info_t* dip, char* name, int64_t* data,
                                uint_t n) {
  if (!data && n) return DDI_PROP_INVAL_ARG;
  return set_prop(dev, dip, name, DDI_PROP_TYPE_INT64, data, size_t(n) * sizeof(int64_t));
}
int ddi_prop_update_byte_array(dev_t dev, dev_info_t* dip, char* name, uchar_t* data,
                               uint_t n) {
  if (!data && n) return DDI_PROP_INVAL_ARG;
  return set_prop(dev, dip, name, DDI_PROP_TYPE_BYTE, data, n);
}
int ddi_prop_update_string(dev_t dev, dev_info_t* dip, char* name, char* data) {
  if (!data) return DDI_PROP_INVAL_ARG;
  return set_prop(dev, dip, name, DDI_PROP_TYPE_STRING, data, std::strlen(data) + 1);
}
int ddi_prop_update_string_array(dev_t dev, dev_info_t* dip, char* name, char** data,
                                 uint_t n) {
  if (!data && n) return DDI_PROP_INVAL_ARG;
  std::string all;
  for (uint_t i = 0; i < n; i++) {
    if (!data[i]) return DDI_PROP_INVAL_ARG;
    all.append(data[i], std::strlen(data[i]) + 1);
  }
  return set_prop(dev, dip, name, DDI_PROP_TYPE_STRING, all.data(), all.size());
}

// The older interfaces: untyped bytes, DDI_PROP_TYPE_ANY. ddi_prop_modify
// changes only a property that exists.
int ddi_prop_create(dev_t dev, dev_info_t* dip, int, char* name, caddr_t value, int length) {
  if (length < 0 || (length > 0 && !value)) return DDI_PROP_INVAL_ARG;
  return set_prop(dev, dip, name, DDI_PROP_TYPE_ANY, value, size_t(length));
}
int ddi_prop_modify(dev_t dev, dev_info_t* dip, int flag, char* name, caddr_t value,
                    int length) {
  if (!dip || !name || dev == DDI_DEV_T_ANY) return DDI_PROP_INVAL_ARG;
  if (dip->props.find(static_cast<uint64_t>(dev), name) == dip->props.end())
    return DDI_PROP_NOT_FOUND;
  return ddi_prop_create(dev, dip, flag, name, value, length);
}

int ddi_prop_lookup_int_array(dev_t dev, dev_info_t* dip, uint_t, char* name, int** datap,
                              uint_t* nelements) {
  return lookup_array(dev, dip, name, DDI_PROP_TYPE_INT, sizeof(int),
                      reinterpret_cast<void**>(datap), nelements);
}
int ddi_prop_lookup_int64_array(dev_t dev, dev_info_t* dip, uint_t, char* name, int64_t** datap,
                                uint_t* nelements) {
  return lookup_array(dev, dip, name, DDI_PROP_TYPE_INT64, sizeof(int64_t),
                      reinterpret_cast<void**>(datap), nelements);
}
int ddi_prop_lookup_byte_array(dev_t dev, dev_info_t* dip, uint_t, char* name, uchar_t** datap,
                               uint_t* nelements) {
  return lookup_array(dev, dip, name, DDI_PROP_TYPE_BYTE, 1, reinterpret_cast<void**>(datap),
                      nelements);
}

// The strings' pointers, then their text, in one block.
int ddi_prop_lookup_string_array(dev_t dev, dev_info_t* dip, uint_t, char* name, char*** datap,
                                 uint_t* nelements) {
  if (!dip || !name || !datap || !nelements) return DDI_PROP_INVAL_ARG;
  Entry* e = find_prop(dip, dev, name, DDI_PROP_TYPE_STRING);
  if (!e) return DDI_PROP_NOT_FOUND;
  if (e->value.undefined) return DDI_PROP_UNDEFINED;
  const std::string& b = e->value.bytes;
  if (b.empty()) return DDI_PROP_END_OF_DATA;
  if (b.back() != '\0') return DDI_PROP_CANNOT_DECODE;  // untyped bytes, not strings
  size_t n = 0;
  for (char c : b) n += c == '\0';
  char* p = prop_block(n * sizeof(char*) + b.size());
  char* text = p + n * sizeof(char*);
  std::memcpy(text, b.data(), b.size());
  char** v = reinterpret_cast<char**>(p);
  for (size_t i = 0, at = 0; i < n; i++) {
    v[i] = text + at;
    at += std::strlen(text + at) + 1;
  }
  *datap = v;
  *nelements = static_cast<uint_t>(n);
  return DDI_PROP_SUCCESS;
}

// The first string (ddi_prop_fm_decode_string).
int ddi_prop_lookup_string(dev_t dev, dev_info_t* dip, uint_t, char* name, char** datap) {
  if (!dip || !name || !datap) return DDI_PROP_INVAL_ARG;
  Entry* e = find_prop(dip, dev, name, DDI_PROP_TYPE_STRING);
  if (!e) return DDI_PROP_NOT_FOUND;
  if (e->value.undefined) return DDI_PROP_UNDEFINED;
  const std::string& b = e->value.bytes;
  if (b.empty()) return DDI_PROP_END_OF_DATA;
  size_t len = ::strnlen(b.data(), b.size());
  if (len == b.size()) return DDI_PROP_CANNOT_DECODE;
  char* p = prop_block(len + 1);
  std::memcpy(p, b.data(), len + 1);
  *datap = p;
  return DDI_PROP_SUCCESS;
}

// A boolean property (no value) reads as 1; one that is absent or cannot be
// decoded as defvalue (ddi_prop_get_int in sunddi.c).
int ddi_prop_get_int(dev_t dev, dev_info_t* dip, uint_t, char* name, int defvalue) {
  int v = 0;
  int r = lookup_one(dev, dip, name, DDI_PROP_TYPE_INT, &v);
  return r == DDI_PROP_SUCCESS ? v : r == DDI_PROP_END_OF_DATA ? 1 : defvalue;
}
int64_t ddi_prop_get_int64(dev_t dev, dev_info_t* dip, uint_t, char* name, int64_t defvalue) {
  int64_t v = 0;
  int r = lookup_one(dev, dip, name, DDI_PROP_TYPE_INT64, &v);
  return r == DDI_PROP_SUCCESS ? v : r == DDI_PROP_END_OF_DATA ? 1 : defvalue;
}
// The older form: any type, the first int of its bytes.
int ddi_getprop(dev_t dev, dev_info_t* dip, int, char* name, int defvalue) {
  int v = 0;
  int r = lookup_one(dev, dip, name, DDI_PROP_TYPE_MASK, &v);
  return r == DDI_PROP_SUCCESS ? v : r == DDI_PROP_END_OF_DATA ? 1 : defvalue;
}

int ddi_prop_exists(dev_t dev, dev_info_t* dip, uint_t, char* name) {
  Entry* e = dip && name ? find_prop(dip, dev, name, DDI_PROP_TYPE_MASK) : nullptr;
  return e && !e->value.undefined;
}

// An explicit undefinition (sunddi.c ddi_prop_undefine): a byte property
// with no value, marked; ddi_prop_remove takes it away again.
int ddi_prop_undefine(dev_t dev, dev_info_t* dip, int, char* name) {
  int r = set_prop(dev, dip, name, DDI_PROP_TYPE_BYTE, nullptr, 0);
  if (r == DDI_PROP_SUCCESS) dip->props.find(static_cast<uint64_t>(dev), name)->value.undefined = true;
  return r;
}

void ddi_prop_free(void* data) {
  if (!data) return;
  char* p = static_cast<char*>(data) - sizeof(size_t);
  size_t n;
  std::memcpy(&n, p, sizeof n);
  ks_kmem_free(p, n, "ddi_prop_free");
}

int ddi_prop_remove(dev_t dev, dev_info_t* dip, char* name) {
  if (!dip || !name) return DDI_PROP_INVAL_ARG;
  auto it = dip->props.find(static_cast<uint64_t>(dev), name);
  if (it == dip->props.end()) return DDI_PROP_NOT_FOUND;
  dip->props.erase(it);
  return DDI_PROP_SUCCESS;
}

void ddi_prop_remove_all(dev_info_t* dip) {
  if (dip) dip->props.clear();
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

// The driver's own properties, any type: their encoded bytes.
int ddi_prop_op(dev_t dev, dev_info_t* dip, ddi_prop_op_t op, int flags, char* name,
                caddr_t valuep, int* lengthp) {
  if (!dip || !name) return DDI_PROP_INVAL_ARG;
  Entry* e = find_prop(dip, dev, name, DDI_PROP_TYPE_MASK);
  if (!e) return DDI_PROP_NOT_FOUND;
  if (e->value.undefined) return DDI_PROP_UNDEFINED;
  const std::string& b = e->value.bytes;
  return prop_answer(op, flags, b.data(), static_cast<int>(b.size()), valuep, lengthp);
}

// The older lookups on ddi_prop_op (ddi_getlongprop(9F)): the length, a
// kmem copy the caller frees with kmem_free(*lengthp), or into its buffer.
int ddi_getproplen(dev_t dev, dev_info_t* dip, int flags, char* name, int* lengthp) {
  return ddi_prop_op(dev, dip, PROP_LEN, flags, name, nullptr, lengthp);
}
int ddi_getlongprop(dev_t dev, dev_info_t* dip, int flags, char* name, caddr_t valuep,
                    int* lengthp) {
  return ddi_prop_op(dev, dip, PROP_LEN_AND_VAL_ALLOC, flags, name, valuep, lengthp);
}
int ddi_getlongprop_buf(dev_t dev, dev_info_t* dip, int flags, char* name, caddr_t valuep,
                        int* lengthp) {
  return ddi_prop_op(dev, dip, PROP_LEN_AND_VAL_BUF, flags, name, valuep, lengthp);
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
