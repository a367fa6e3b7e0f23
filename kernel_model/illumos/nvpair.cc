// illumos nvpair(9F), nvlist_*(9F): name-value lists in kmem, with
// illumos's in-memory pair layout and its native packed form. Facts (read
// in the common nvpair.c, usr/src/common/nvpair, as OpenZFS carries it):
// the argument checks and their EINVAL; lookups need NV_UNIQUE_NAME or
// NV_UNIQUE_NAME_TYPE (else ENOTSUP) and match name and type (ENOENT);
// an add to a unique list first removes the pairs it replaces, and pairs
// stay in insertion order; nvlist_add_nvlist copies; pack's size and
// layout (a 4-byte header of encoding and endianness, the top list's
// version and flags, each pair as it is in memory with its pointers
// zeroed, an embedded list's pairs after its pair, a 4-byte zero after
// each list's last pair); what unpack validates (EFAULT for a short
// buffer, a length out of range, a bad name, a value size that does not
// match the pair; ENOTSUP for another endianness or an unknown encoding
// or list version). A string in a packed pair without its NUL within the
// pair is EFAULT here: nvpair.c would read past the pair.
//
// Every buffer is the World's kmem (tag nvlist; a packed buffer
// nvlist_pack allocated, nvlist_pack), so leaks, double frees and KM_NOSLEEP
// failures are kmem's; a list or pair used after it was freed is reported
// at the call that uses it.
#include <cerrno>
#include <cstdarg>
#include <cstddef>
#include <cstring>
#include <string>

#include "kernel_model/illumos/nvpair_impl.h"

extern "C" {
#include <sys/kmem.h>
#include <sys/nvpair.h>
}

namespace ks::km::illumos::nv {

constexpr const char* kPackTag = "nvlist_pack";
constexpr uint32_t kPrivMagic = 0x6e76706c;  // "nvpl"


void* alloc(size_t n, int kmflag, const char* tag) {
  return (ks::km::kmem_alloc)(W(), n, (kmflag & KM_NOSLEEP) ? ks::km::kKmemNoSleep : ks::km::kKmemSleep,
                            tag);
}
void release(void* p, size_t n, const char* op) { (ks::km::kmem_free)(W(), p, n, op); }

[[noreturn]] void freed_use(const ks::km::KmemHdr* h, const char* op, const char* what) {
  World& w = W();
  w.fail(ks::sim::FailureKind::kMemory,
         std::string(op) + " of " + what + " already freed (by thread " +
             w.thread_name(h->free_tid) + " at step " + std::to_string(h->free_step) +
             "): a use after nvlist_free",
         std::string("use_after_free:nvlist:") + op);
}

// The private part of a list a driver hands in, or null when it has none
// (nvl_priv 0: EINVAL for the caller, as nvpair.c answers). A list in
// freed memory, or whose private part was freed, is a use after free; a
// pointer that is no list at all a panic, both at the call.
Priv* P(const nvlist_t* nvl, const char* op) {
  World& w = W();
  const ks::km::KmemHdr* h = ks::km::kmem_buffer(w, nvl);
  if (h && h->freed) freed_use(h, op, "an nvlist");
  if (nvl->nvl_priv == 0) return nullptr;
  auto* priv = reinterpret_cast<Priv*>(static_cast<uintptr_t>(nvl->nvl_priv));
  const ks::km::KmemHdr* ph = ks::km::kmem_buffer(w, priv);
  if (ph && ph->freed) freed_use(ph, op, "an nvlist");
  if (ph && priv->magic == kPrivMagic && priv->nvl == nvl) return priv;
  // An embedded list lives inside its parent's pair, and goes with it:
  // found by a walk, made only to name the misuse.
  uint64_t off = 0;
  if (!h)
    if (const ks::km::KmemHdr* c = ks::km::kmem_containing(w, nvl, &off); c && c->freed)
      freed_use(c, op, "an nvlist inside a freed nvlist");
  w.fail(ks::sim::FailureKind::kPanic,
         std::string(op) + ": the argument is not an nvlist_t that nvlist_alloc, "
                           "nvlist_unpack, nvlist_dup or a lookup handed out",
         std::string("nvlist:bad_nvlist:") + op);
}

// A pair a driver hands in: the start of a live pair buffer.
const nvpair_t* PAIR(const nvpair_t* nvp, const char* op) {
  World& w = W();
  const ks::km::KmemHdr* h = ks::km::kmem_buffer(w, INP(nvp));
  if (h && h->freed) freed_use(h, op, "an nvpair");
  if (!h || std::strcmp(h->tag, kTag) != 0)
    w.fail(ks::sim::FailureKind::kPanic, std::string(op) + ": the argument is not an nvpair_t",
           std::string("nvlist:bad_nvpair:") + op);
  return nvp;
}

Priv* priv_alloc(nvlist_t* nvl, uint32_t nvflag, int kmflag, bool embedded) {
  auto* priv = static_cast<Priv*>(alloc(sizeof(Priv), kmflag));
  if (!priv) return nullptr;
  *priv = Priv{kPrivMagic, embedded, nvl, nullptr, nullptr, nullptr, kmflag};
  nvl->nvl_version = NV_VERSION;
  nvl->nvl_nvflag = nvflag & (NV_UNIQUE_NAME | NV_UNIQUE_NAME_TYPE);
  nvl->nvl_priv = reinterpret_cast<uintptr_t>(priv);
  nvl->nvl_flag = 0;
  nvl->nvl_pad = 0;
  return priv;
}

int validate_type_nelem(int type, uint_t nelem) {
  switch (type) {
    case DATA_TYPE_BOOLEAN:
      return nelem == 0 ? 0 : EINVAL;
    case DATA_TYPE_BOOLEAN_VALUE: case DATA_TYPE_BYTE: case DATA_TYPE_INT8:
    case DATA_TYPE_UINT8: case DATA_TYPE_INT16: case DATA_TYPE_UINT16:
    case DATA_TYPE_INT32: case DATA_TYPE_UINT32: case DATA_TYPE_INT64:
    case DATA_TYPE_UINT64: case DATA_TYPE_STRING: case DATA_TYPE_HRTIME:
    case DATA_TYPE_NVLIST:
      return nelem == 1 ? 0 : EINVAL;
    case DATA_TYPE_BOOLEAN_ARRAY: case DATA_TYPE_BYTE_ARRAY: case DATA_TYPE_INT8_ARRAY:
    case DATA_TYPE_UINT8_ARRAY: case DATA_TYPE_INT16_ARRAY: case DATA_TYPE_UINT16_ARRAY:
    case DATA_TYPE_INT32_ARRAY: case DATA_TYPE_UINT32_ARRAY: case DATA_TYPE_INT64_ARRAY:
    case DATA_TYPE_UINT64_ARRAY: case DATA_TYPE_STRING_ARRAY: case DATA_TYPE_NVLIST_ARRAY:
      return 0;
    default:
      return EINVAL;
  }
}

size_t elem_size(int type) {
  switch (type) {
    case DATA_TYPE_BYTE: case DATA_TYPE_INT8: case DATA_TYPE_UINT8: case DATA_TYPE_BYTE_ARRAY:
    case DATA_TYPE_INT8_ARRAY: case DATA_TYPE_UINT8_ARRAY:
      return 1;
    case DATA_TYPE_INT16: case DATA_TYPE_UINT16: case DATA_TYPE_INT16_ARRAY:
    case DATA_TYPE_UINT16_ARRAY:
      return 2;
    case DATA_TYPE_BOOLEAN_VALUE: case DATA_TYPE_INT32: case DATA_TYPE_UINT32:
    case DATA_TYPE_BOOLEAN_ARRAY: case DATA_TYPE_INT32_ARRAY: case DATA_TYPE_UINT32_ARRAY:
      return 4;
    case DATA_TYPE_INT64: case DATA_TYPE_UINT64: case DATA_TYPE_HRTIME:
    case DATA_TYPE_INT64_ARRAY: case DATA_TYPE_UINT64_ARRAY:
      return 8;
    default:
      return 0;
  }
}

// i_get_value_size: the value's bytes, from `data` where the size depends
// on it (strings); -1 for a bad type or element count. `limit` bounds a
// string's search for its NUL (a packed pair's remaining bytes).
int64_t value_size(int type, const void* data, uint_t nelem, size_t limit) {
  if (validate_type_nelem(type, nelem) != 0) return -1;
  uint64_t sz;
  switch (type) {
    case DATA_TYPE_BOOLEAN: sz = 0; break;
    case DATA_TYPE_STRING: {
      if (!data) { sz = 0; break; }
      size_t n = strnlen(static_cast<const char*>(data), limit);
      if (n == limit) return -1;
      sz = n + 1;
      break;
    }
    case DATA_TYPE_STRING_ARRAY: {
      sz = uint64_t(nelem) * 8;
      if (!data) break;
      auto strs = static_cast<char* const*>(data);
      for (uint_t i = 0; i < nelem; i++) {
        if (!strs[i]) return -1;
        sz += std::strlen(strs[i]) + 1;
      }
      break;
    }
    case DATA_TYPE_NVLIST: sz = NV_ALIGN(sizeof(nvlist_t)); break;
    case DATA_TYPE_NVLIST_ARRAY: sz = uint64_t(nelem) * (8 + NV_ALIGN(sizeof(nvlist_t))); break;
    default: sz = uint64_t(nelem) * elem_size(type); break;
  }
  return sz > INT32_MAX ? -1 : static_cast<int64_t>(sz);
}

int validate_value(int type, uint_t nelem, const void* data) {
  auto ok = [](int32_t b) { return b == B_TRUE || b == B_FALSE; };
  if (type == DATA_TYPE_BOOLEAN_VALUE && !ok(*static_cast<const int32_t*>(data))) return EINVAL;
  if (type == DATA_TYPE_BOOLEAN_ARRAY)
    for (uint_t i = 0; i < nelem; i++)
      if (!ok(static_cast<const int32_t*>(data)[i])) return EINVAL;
  return 0;
}

void list_free(nvlist_t* nvl, Priv* priv);

// A pair's owned lists (nvpair_free).
void pair_contents_free(nvpair_t* nvp) {
  if (nvp->nvp_type == DATA_TYPE_NVLIST) {
    auto* e = reinterpret_cast<nvlist_t*>(NVP_VALUE(nvp));
    if (e->nvl_priv) list_free(e, reinterpret_cast<Priv*>(static_cast<uintptr_t>(e->nvl_priv)));
  } else if (nvp->nvp_type == DATA_TYPE_NVLIST_ARRAY) {
    auto** v = reinterpret_cast<nvlist_t**>(NVP_VALUE(nvp));
    for (int32_t i = 0; i < nvp->nvp_value_elem; i++)
      if (v[i] && v[i]->nvl_priv)
        list_free(v[i], reinterpret_cast<Priv*>(static_cast<uintptr_t>(v[i]->nvl_priv)));
  }
}

void pair_free(Inp* i, const char* op) {
  nvpair_t* p = NVP(i);
  pair_contents_free(p);
  release(i, sizeof(Inp) + static_cast<size_t>(p->nvp_size), op);
}

void unlink_pair(Priv* priv, Inp* i) {
  (i->prev ? i->prev->next : priv->head) = i->next;
  (i->next ? i->next->prev : priv->tail) = i->prev;
  if (priv->curr == i) priv->curr = nullptr;
}

void link_pair(Priv* priv, Inp* i) {
  i->next = nullptr;
  i->prev = priv->tail;
  (priv->tail ? priv->tail->next : priv->head) = i;
  priv->tail = i;
}

void list_free(nvlist_t* nvl, Priv* priv) {
  for (Inp* i = priv->head; i;) {
    Inp* next = i->next;
    pair_free(i, "nvlist_free");
    i = next;
  }
  bool embedded = priv->embedded;
  nvl->nvl_priv = 0;
  release(priv, sizeof(Priv), "nvlist_free");
  if (!embedded) release(nvl, sizeof(nvlist_t), "nvlist_free");
}

int add_common(nvlist_t* nvl, const char* name, int type, uint_t nelem, const void* data,
               const char* op);

int copy_pairs(Priv* from, nvlist_t* to, const char* op) {
  for (Inp* i = from->head; i; i = i->next) {
    nvpair_t* p = NVP(i);
    if (int e = add_common(to, NVP_NAME(p), p->nvp_type, static_cast<uint_t>(p->nvp_value_elem),
                           NVP_VALUE(p), op))
      return e;
  }
  return 0;
}

// An embedded copy of `from` in `into` (a pair's value), allocated as its
// parent is.
int copy_embedded(Priv* parent, nvlist_t* into, const nvlist_t* from, const char* op) {
  Priv* src = P(from, op);
  if (!src) return EINVAL;
  Priv* p = priv_alloc(into, from->nvl_nvflag, parent->kmflag, true);
  if (!p) return ENOMEM;
  if (int e = copy_pairs(src, into, op)) {
    list_free(into, p);
    return e;
  }
  return 0;
}

void remove_matching(Priv* priv, const char* name, int type, bool any_type) {
  for (Inp* i = priv->head; i;) {
    Inp* next = i->next;
    nvpair_t* p = NVP(i);
    if ((any_type || p->nvp_type == type) && std::strcmp(NVP_NAME(p), name) == 0) {
      unlink_pair(priv, i);
      pair_free(i, "nvlist_remove");
    }
    i = next;
  }
}

int add_common(nvlist_t* nvl, const char* name, int type, uint_t nelem, const void* data,
               const char* op) {
  if (!name || !nvl) return EINVAL;
  Priv* priv = P(nvl, op);
  if (!priv) return EINVAL;
  if (nelem != 0 && !data) return EINVAL;
  int64_t value_sz = value_size(type, data, nelem);
  if (value_sz < 0) return EINVAL;
  if (validate_value(type, nelem, data) != 0) return EINVAL;
  if (type == DATA_TYPE_NVLIST && (data == nvl || !data)) return EINVAL;
  if (type == DATA_TYPE_NVLIST_ARRAY)
    for (uint_t k = 0; k < nelem; k++) {
      auto* l = static_cast<nvlist_t* const*>(data)[k];
      if (!l || l == nvl) return EINVAL;
    }
  size_t name_sz = std::strlen(name) + 1;
  if (name_sz >= (1u << 15)) return EINVAL;
  int64_t nvp_sz = size_calc(static_cast<int64_t>(name_sz), value_sz);
  auto* i = static_cast<Inp*>(alloc(sizeof(Inp) + static_cast<size_t>(nvp_sz), priv->kmflag));
  if (!i) return ENOMEM;
  std::memset(i, 0, sizeof(Inp) + static_cast<size_t>(nvp_sz));
  nvpair_t* p = NVP(i);
  p->nvp_size = static_cast<int32_t>(nvp_sz);
  p->nvp_name_sz = static_cast<int16_t>(name_sz);
  p->nvp_value_elem = static_cast<int32_t>(nelem);
  p->nvp_type = static_cast<data_type_t>(type);
  std::memcpy(NVP_NAME(p), name, name_sz);
  char* val = NVP_VALUE(p);
  int err = 0;
  switch (type) {
    case DATA_TYPE_BOOLEAN:
      break;
    case DATA_TYPE_STRING_ARRAY: {
      auto strs = static_cast<char* const*>(data);
      auto** slots = reinterpret_cast<char**>(val);
      char* s = val + nelem * 8;
      for (uint_t k = 0; k < nelem; k++) {
        size_t l = std::strlen(strs[k]) + 1;
        std::memcpy(s, strs[k], l);
        slots[k] = s;
        s += l;
      }
      break;
    }
    case DATA_TYPE_NVLIST:
      err = copy_embedded(priv, reinterpret_cast<nvlist_t*>(val),
                          static_cast<const nvlist_t*>(data), op);
      break;
    case DATA_TYPE_NVLIST_ARRAY: {
      auto** slots = reinterpret_cast<nvlist_t**>(val);
      auto* emb = reinterpret_cast<nvlist_t*>(val + nelem * 8);
      for (uint_t k = 0; k < nelem && !err; k++) {
        err = copy_embedded(priv, emb + k, static_cast<nvlist_t* const*>(data)[k], op);
        if (!err) slots[k] = emb + k;
      }
      break;
    }
    default:
      std::memcpy(val, data, static_cast<size_t>(value_sz));
  }
  if (err) {
    pair_free(i, op);
    return err;
  }
  if (nvl->nvl_nvflag & NV_UNIQUE_NAME)
    remove_matching(priv, name, type, true);
  else if (nvl->nvl_nvflag & NV_UNIQUE_NAME_TYPE)
    remove_matching(priv, name, type, false);
  link_pair(priv, i);
  return 0;
}

// The last pair of that name and type: a packed list may carry a name
// twice, and nvpair.c's table then finds the later one.
nvpair_t* find(Priv* priv, const char* name, int type) {
  for (Inp* i = priv->tail; i; i = i->prev)
    if (NVP(i)->nvp_type == type && std::strcmp(NVP_NAME(NVP(i)), name) == 0) return NVP(i);
  return nullptr;
}

int value_common(const nvpair_t* nvp, int type, uint_t* nelem, void* data) {
  if (!nvp || nvp->nvp_type != type) return EINVAL;
  char* val = NVP_VALUE(const_cast<nvpair_t*>(nvp));
  switch (type) {
    case DATA_TYPE_BOOLEAN:
      if (nelem) *nelem = 0;
      return 0;
    case DATA_TYPE_STRING: case DATA_TYPE_NVLIST:
      if (!data) return EINVAL;
      *static_cast<void**>(data) = val;
      if (nelem) *nelem = 1;
      return 0;
    case DATA_TYPE_BOOLEAN_ARRAY: case DATA_TYPE_BYTE_ARRAY: case DATA_TYPE_INT8_ARRAY:
    case DATA_TYPE_UINT8_ARRAY: case DATA_TYPE_INT16_ARRAY: case DATA_TYPE_UINT16_ARRAY:
    case DATA_TYPE_INT32_ARRAY: case DATA_TYPE_UINT32_ARRAY: case DATA_TYPE_INT64_ARRAY:
    case DATA_TYPE_UINT64_ARRAY: case DATA_TYPE_STRING_ARRAY: case DATA_TYPE_NVLIST_ARRAY:
      if (!nelem || !data) return EINVAL;
      *nelem = static_cast<uint_t>(nvp->nvp_value_elem);
      *static_cast<void**>(data) = *nelem ? val : nullptr;
      return 0;
    default:
      if (!data) return EINVAL;
      if (size_t n = elem_size(type)) {
        std::memcpy(data, val, n);
        if (nelem) *nelem = 1;
        return 0;
      }
      return ENOTSUP;
  }
}

int lookup_common(nvlist_t* nvl, const char* name, int type, uint_t* nelem, void* data,
                  const char* op) {
  if (!name || !nvl) return EINVAL;
  Priv* priv = P(nvl, op);
  if (!priv) return EINVAL;
  if (!(nvl->nvl_nvflag & (NV_UNIQUE_NAME | NV_UNIQUE_NAME_TYPE))) return ENOTSUP;
  nvpair_t* p = find(priv, name, type);
  if (!p) return ENOENT;
  return value_common(p, type, nelem, data);
}

// ---- the native packed form ----

struct Stream {
  char* cur;
  char* end;
  bool encode;
  int depth;
};

int put(Stream& s, const void* p, size_t n) {
  if (static_cast<size_t>(s.end - s.cur) < n) return EFAULT;
  std::memcpy(s.cur, p, n);
  s.cur += n;
  return 0;
}

uint64_t packed_size(Priv* priv, bool top);

uint64_t embedded_size(nvpair_t* p) {
  if (p->nvp_type == DATA_TYPE_NVLIST) {
    auto* e = reinterpret_cast<nvlist_t*>(NVP_VALUE(p));
    return packed_size(reinterpret_cast<Priv*>(static_cast<uintptr_t>(e->nvl_priv)), false);
  }
  uint64_t n = 0;
  if (p->nvp_type == DATA_TYPE_NVLIST_ARRAY) {
    auto** v = reinterpret_cast<nvlist_t**>(NVP_VALUE(p));
    for (int32_t k = 0; k < p->nvp_value_elem; k++)
      n += packed_size(reinterpret_cast<Priv*>(static_cast<uintptr_t>(v[k]->nvl_priv)), false);
  }
  return n;
}

// A list's bytes: (the top list's version and flags), its pairs and what
// they embed, and its 4-byte terminator.
uint64_t packed_size(Priv* priv, bool top) {
  uint64_t n = top ? 8 + 4 : 4;
  for (Inp* i = priv->head; i; i = i->next)
    n += static_cast<uint64_t>(NVP(i)->nvp_size) + embedded_size(NVP(i));
  return n;
}

int encode_list(Stream& s, Priv* priv);

int encode_pair(Stream& s, nvpair_t* p) {
  char* at = s.cur;
  if (int e = put(s, p, static_cast<size_t>(p->nvp_size))) return e;
  auto* copy = reinterpret_cast<nvpair_t*>(at);
  char* val = NVP_VALUE(copy);
  int32_t n = p->nvp_value_elem;
  switch (p->nvp_type) {
    case DATA_TYPE_STRING_ARRAY:
      std::memset(val, 0, static_cast<size_t>(n) * 8);
      return 0;
    case DATA_TYPE_NVLIST: {
      std::memset(val + offsetof(nvlist_t, nvl_priv), 0, 8);
      auto* e = reinterpret_cast<nvlist_t*>(NVP_VALUE(p));
      return encode_list(s, reinterpret_cast<Priv*>(static_cast<uintptr_t>(e->nvl_priv)));
    }
    case DATA_TYPE_NVLIST_ARRAY: {
      std::memset(val, 0, static_cast<size_t>(n) * 8);
      auto* packed = reinterpret_cast<nvlist_t*>(val + static_cast<size_t>(n) * 8);
      for (int32_t k = 0; k < n; k++) std::memset(&packed[k].nvl_priv, 0, 8);
      auto** v = reinterpret_cast<nvlist_t**>(NVP_VALUE(p));
      for (int32_t k = 0; k < n; k++)
        if (int e = encode_list(s, reinterpret_cast<Priv*>(static_cast<uintptr_t>(v[k]->nvl_priv))))
          return e;
      return 0;
    }
    default:
      return 0;
  }
}

int encode_list(Stream& s, Priv* priv) {
  if (++s.depth > kMaxRecursion) return EINVAL;
  for (Inp* i = priv->head; i; i = i->next)
    if (encode_pair(s, NVP(i)) != 0) return EFAULT;
  const int32_t zero = 0;
  s.depth--;
  return put(s, &zero, 4);
}

int decode_list(Stream& s, nvlist_t* nvl, Priv* priv);

int decode_embedded(Stream& s, Priv* parent, nvlist_t* e) {
  if (e->nvl_version != NV_VERSION) return ENOTSUP;
  Priv* p = priv_alloc(e, e->nvl_nvflag, parent->kmflag, true);
  if (!p) return ENOMEM;
  if (s.depth >= kMaxRecursion) {
    list_free(e, p);
    return EINVAL;
  }
  s.depth++;
  int err = decode_list(s, e, p);
  s.depth--;
  if (err) list_free(e, p);
  return err;
}

// One packed pair, copied into `i` (nvs_native_nvp_op, then
// i_validate_nvpair).
int decode_pair(Stream& s, Priv* priv, Inp* i, int32_t len) {
  nvpair_t* p = NVP(i);
  std::memcpy(p, s.cur, static_cast<size_t>(len));
  s.cur += len;
  p->nvp_size = len;  // the stream's own value: checked below against it
  if (p->nvp_name_sz <= 0 || len < size_calc(p->nvp_name_sz, 0)) return EFAULT;
  const char* name = NVP_NAME(p);
  if (name[p->nvp_name_sz - 1] != '\0' ||
      std::strlen(name) != static_cast<size_t>(p->nvp_name_sz - 1))
    return EFAULT;
  int64_t vsz = value_size(p->nvp_type, nullptr, static_cast<uint_t>(p->nvp_value_elem));
  if (vsz < 0 || size_calc(p->nvp_name_sz, vsz) > len) return EFAULT;
  char* val = NVP_VALUE(p);
  const size_t room = static_cast<size_t>(len) - valoff(p);
  int32_t n = p->nvp_value_elem;
  switch (p->nvp_type) {
    case DATA_TYPE_NVLIST:
      std::memset(val + offsetof(nvlist_t, nvl_priv), 0, 8);
      if (int e = decode_embedded(s, priv, reinterpret_cast<nvlist_t*>(val))) return e;
      break;
    case DATA_TYPE_NVLIST_ARRAY: {
      auto** slots = reinterpret_cast<nvlist_t**>(val);
      auto* emb = reinterpret_cast<nvlist_t*>(val + static_cast<size_t>(n) * 8);
      std::memset(slots, 0, static_cast<size_t>(n) * 8);
      for (int32_t k = 0; k < n; k++) std::memset(&emb[k].nvl_priv, 0, 8);
      for (int32_t k = 0; k < n; k++) {
        if (decode_embedded(s, priv, emb + k) != 0) {
          p->nvp_value_elem = k;  // only those decoded are freed
          pair_contents_free(p);
          return EFAULT;
        }
        slots[k] = emb + k;
      }
      break;
    }
    case DATA_TYPE_STRING_ARRAY: {
      auto** slots = reinterpret_cast<char**>(val);
      char* str = val + static_cast<size_t>(n) * 8;
      char* stop = val + room;
      for (int32_t k = 0; k < n; k++) {
        size_t l = strnlen(str, static_cast<size_t>(stop - str));
        if (str + l >= stop) return EFAULT;
        slots[k] = str;
        str += l + 1;
      }
      break;
    }
    default:
      break;
  }
  int64_t actual = value_size(p->nvp_type, p->nvp_type == DATA_TYPE_STRING_ARRAY ||
                                               p->nvp_type == DATA_TYPE_STRING ? val : nullptr,
                              static_cast<uint_t>(n), room);
  if (validate_value(p->nvp_type, static_cast<uint_t>(n), val) != 0 || actual < 0 ||
      room != NV_ALIGN(actual)) {
    pair_contents_free(p);  // the lists it embeds, decoded above
    return EFAULT;
  }
  return 0;
}

int decode_list(Stream& s, nvlist_t* nvl, Priv* priv) {
  for (;;) {
    int32_t len;
    if (s.end - s.cur < 4) return EFAULT;
    std::memcpy(&len, s.cur, 4);
    if (len < 0 || len > s.end - s.cur) return EFAULT;
    if (len == 0) {
      s.cur += 4;
      return 0;
    }
    if (len < size_calc(1, 0)) return EFAULT;
    auto* i = static_cast<Inp*>(alloc(sizeof(Inp) + static_cast<size_t>(len), priv->kmflag));
    if (!i) return ENOMEM;
    std::memset(i, 0, sizeof(Inp));
    int err = decode_pair(s, priv, i, len);
    if (err) {
      // decode_pair freed what the pair embeds; the rest is bytes
      NVP(i)->nvp_type = DATA_TYPE_UNKNOWN;
      pair_free(i, "nvlist_unpack");
      return err;
    }
    // A name twice in a unique list stays twice (nvpair.c's decode keeps
    // both); lookups find the later.
    link_pair(priv, i);
  }
}

}  // namespace ks::km::illumos::nv

using namespace ks::km::illumos::nv;

extern "C" {

int nvlist_alloc(nvlist_t** nvlp, uint_t nvflag, int kmflag) {
  if (!nvlp) return EINVAL;
  auto* nvl = static_cast<nvlist_t*>(alloc(sizeof(nvlist_t), kmflag));
  if (!nvl) return ENOMEM;
  if (!priv_alloc(nvl, nvflag, kmflag, false)) {
    release(nvl, sizeof(nvlist_t), "nvlist_alloc");
    return ENOMEM;
  }
  *nvlp = nvl;
  return 0;
}

void nvlist_free(nvlist_t* nvl) {
  if (!nvl) return;
  if (Priv* priv = P(nvl, "nvlist_free")) list_free(nvl, priv);
}

int nvlist_dup(nvlist_t* nvl, nvlist_t** nvlp, int kmflag) {
  if (!nvl || !nvlp) return EINVAL;
  Priv* src = P(nvl, "nvlist_dup");
  if (!src) return EINVAL;
  nvlist_t* copy;
  if (int e = nvlist_alloc(&copy, nvl->nvl_nvflag, kmflag)) return e;
  if (int e = copy_pairs(src, copy, "nvlist_dup")) {
    nvlist_free(copy);
    return e;
  }
  *nvlp = copy;
  return 0;
}

int nvlist_merge(nvlist_t* dst, nvlist_t* nvl, int) {
  if (!nvl || !dst) return EINVAL;
  Priv* src = P(nvl, "nvlist_merge");
  if (!src || !P(dst, "nvlist_merge")) return EINVAL;
  return dst == nvl ? 0 : copy_pairs(src, dst, "nvlist_merge");
}

int nvlist_add_nvpair(nvlist_t* nvl, nvpair_t* nvp) {
  if (!nvl || !nvp) return EINVAL;
  PAIR(nvp, "nvlist_add_nvpair");
  return add_common(nvl, NVP_NAME(nvp), nvp->nvp_type, static_cast<uint_t>(nvp->nvp_value_elem),
                    NVP_VALUE(nvp), "nvlist_add_nvpair");
}

#define KS_NV_ADD(fn, T, type)                                                    \
  int nvlist_add_##fn(nvlist_t* nvl, const char* name, T v) {                     \
    return add_common(nvl, name, type, 1, &v, "nvlist_add_" #fn);                  \
  }
#define KS_NV_ADD_ARRAY(fn, T, type)                                              \
  int nvlist_add_##fn##_array(nvlist_t* nvl, const char* name, T* a, uint_t n) {   \
    return add_common(nvl, name, type, n, a, "nvlist_add_" #fn "_array");          \
  }
#define KS_NV_GET(fn, T, type)                                                    \
  int nvlist_lookup_##fn(nvlist_t* nvl, const char* name, T* v) {                 \
    return lookup_common(nvl, name, type, nullptr, v, "nvlist_lookup_" #fn);       \
  }                                                                               \
  int nvpair_value_##fn(nvpair_t* nvp, T* v) {                                     \
    return nvp ? value_common(PAIR(nvp, "nvpair_value_" #fn), type, nullptr, v) : EINVAL; \
  }
#define KS_NV_GET_ARRAY(fn, T, type)                                              \
  int nvlist_lookup_##fn##_array(nvlist_t* nvl, const char* name, T** a, uint_t* n) { \
    return lookup_common(nvl, name, type, n, a, "nvlist_lookup_" #fn "_array");    \
  }                                                                               \
  int nvpair_value_##fn##_array(nvpair_t* nvp, T** a, uint_t* n) {                 \
    return nvp ? value_common(PAIR(nvp, "nvpair_value_" #fn "_array"), type, n, a) : EINVAL; \
  }

KS_NV_ADD(boolean_value, boolean_t, DATA_TYPE_BOOLEAN_VALUE)
KS_NV_ADD(byte, uchar_t, DATA_TYPE_BYTE)
KS_NV_ADD(int8, int8_t, DATA_TYPE_INT8)
KS_NV_ADD(uint8, uint8_t, DATA_TYPE_UINT8)
KS_NV_ADD(int16, int16_t, DATA_TYPE_INT16)
KS_NV_ADD(uint16, uint16_t, DATA_TYPE_UINT16)
KS_NV_ADD(int32, int32_t, DATA_TYPE_INT32)
KS_NV_ADD(uint32, uint32_t, DATA_TYPE_UINT32)
KS_NV_ADD(int64, int64_t, DATA_TYPE_INT64)
KS_NV_ADD(uint64, uint64_t, DATA_TYPE_UINT64)
KS_NV_ADD(hrtime, hrtime_t, DATA_TYPE_HRTIME)
KS_NV_ADD_ARRAY(boolean, boolean_t, DATA_TYPE_BOOLEAN_ARRAY)
KS_NV_ADD_ARRAY(byte, uchar_t, DATA_TYPE_BYTE_ARRAY)
KS_NV_ADD_ARRAY(int8, int8_t, DATA_TYPE_INT8_ARRAY)
KS_NV_ADD_ARRAY(uint8, uint8_t, DATA_TYPE_UINT8_ARRAY)
KS_NV_ADD_ARRAY(int16, int16_t, DATA_TYPE_INT16_ARRAY)
KS_NV_ADD_ARRAY(uint16, uint16_t, DATA_TYPE_UINT16_ARRAY)
KS_NV_ADD_ARRAY(int32, int32_t, DATA_TYPE_INT32_ARRAY)
KS_NV_ADD_ARRAY(uint32, uint32_t, DATA_TYPE_UINT32_ARRAY)
KS_NV_ADD_ARRAY(int64, int64_t, DATA_TYPE_INT64_ARRAY)
KS_NV_ADD_ARRAY(uint64, uint64_t, DATA_TYPE_UINT64_ARRAY)
KS_NV_ADD_ARRAY(nvlist, nvlist_t*, DATA_TYPE_NVLIST_ARRAY)
KS_NV_GET(boolean_value, boolean_t, DATA_TYPE_BOOLEAN_VALUE)
KS_NV_GET(byte, uchar_t, DATA_TYPE_BYTE)
KS_NV_GET(int8, int8_t, DATA_TYPE_INT8)
KS_NV_GET(uint8, uint8_t, DATA_TYPE_UINT8)
KS_NV_GET(int16, int16_t, DATA_TYPE_INT16)
KS_NV_GET(uint16, uint16_t, DATA_TYPE_UINT16)
KS_NV_GET(int32, int32_t, DATA_TYPE_INT32)
KS_NV_GET(uint32, uint32_t, DATA_TYPE_UINT32)
KS_NV_GET(int64, int64_t, DATA_TYPE_INT64)
KS_NV_GET(uint64, uint64_t, DATA_TYPE_UINT64)
KS_NV_GET(hrtime, hrtime_t, DATA_TYPE_HRTIME)
KS_NV_GET(string, char*, DATA_TYPE_STRING)
KS_NV_GET(nvlist, nvlist_t*, DATA_TYPE_NVLIST)
KS_NV_GET_ARRAY(boolean, boolean_t, DATA_TYPE_BOOLEAN_ARRAY)
KS_NV_GET_ARRAY(byte, uchar_t, DATA_TYPE_BYTE_ARRAY)
KS_NV_GET_ARRAY(int8, int8_t, DATA_TYPE_INT8_ARRAY)
KS_NV_GET_ARRAY(uint8, uint8_t, DATA_TYPE_UINT8_ARRAY)
KS_NV_GET_ARRAY(int16, int16_t, DATA_TYPE_INT16_ARRAY)
KS_NV_GET_ARRAY(uint16, uint16_t, DATA_TYPE_UINT16_ARRAY)
KS_NV_GET_ARRAY(int32, int32_t, DATA_TYPE_INT32_ARRAY)
KS_NV_GET_ARRAY(uint32, uint32_t, DATA_TYPE_UINT32_ARRAY)
KS_NV_GET_ARRAY(int64, int64_t, DATA_TYPE_INT64_ARRAY)
KS_NV_GET_ARRAY(uint64, uint64_t, DATA_TYPE_UINT64_ARRAY)
KS_NV_GET_ARRAY(string, char*, DATA_TYPE_STRING_ARRAY)
KS_NV_GET_ARRAY(nvlist, nvlist_t*, DATA_TYPE_NVLIST_ARRAY)

int nvlist_add_boolean(nvlist_t* nvl, const char* name) {
  return add_common(nvl, name, DATA_TYPE_BOOLEAN, 0, nullptr, "nvlist_add_boolean");
}
int nvlist_add_string(nvlist_t* nvl, const char* name, const char* v) {
  return add_common(nvl, name, DATA_TYPE_STRING, 1, v, "nvlist_add_string");
}
int nvlist_add_nvlist(nvlist_t* nvl, const char* name, nvlist_t* v) {
  return add_common(nvl, name, DATA_TYPE_NVLIST, 1, v, "nvlist_add_nvlist");
}
int nvlist_add_string_array(nvlist_t* nvl, const char* name, char* const* a, uint_t n) {
  return add_common(nvl, name, DATA_TYPE_STRING_ARRAY, n, a, "nvlist_add_string_array");
}
int nvlist_lookup_boolean(nvlist_t* nvl, const char* name) {
  return lookup_common(nvl, name, DATA_TYPE_BOOLEAN, nullptr, nullptr, "nvlist_lookup_boolean");
}

// (name, type, where [, nelem]) ... NULL: each looked up in turn until one
// fails; with NV_FLAG_NOENTOK a missing one is no failure.
int nvlist_lookup_pairs(nvlist_t* nvl, int flag, ...) {
  va_list ap;
  va_start(ap, flag);
  int ret = 0;
  const char* name;
  while (ret == 0 && (name = va_arg(ap, const char*)) != nullptr) {
    int type = va_arg(ap, int);
    switch (type) {
      case DATA_TYPE_BOOLEAN:
        ret = lookup_common(nvl, name, type, nullptr, nullptr, "nvlist_lookup_pairs");
        break;
      case DATA_TYPE_BOOLEAN_VALUE: case DATA_TYPE_BYTE: case DATA_TYPE_INT8:
      case DATA_TYPE_UINT8: case DATA_TYPE_INT16: case DATA_TYPE_UINT16: case DATA_TYPE_INT32:
      case DATA_TYPE_UINT32: case DATA_TYPE_INT64: case DATA_TYPE_UINT64: case DATA_TYPE_HRTIME:
      case DATA_TYPE_STRING: case DATA_TYPE_NVLIST: {
        void* val = va_arg(ap, void*);
        ret = lookup_common(nvl, name, type, nullptr, val, "nvlist_lookup_pairs");
        break;
      }
      case DATA_TYPE_BYTE_ARRAY: case DATA_TYPE_BOOLEAN_ARRAY: case DATA_TYPE_INT8_ARRAY:
      case DATA_TYPE_UINT8_ARRAY: case DATA_TYPE_INT16_ARRAY: case DATA_TYPE_UINT16_ARRAY:
      case DATA_TYPE_INT32_ARRAY: case DATA_TYPE_UINT32_ARRAY: case DATA_TYPE_INT64_ARRAY:
      case DATA_TYPE_UINT64_ARRAY: case DATA_TYPE_STRING_ARRAY: case DATA_TYPE_NVLIST_ARRAY: {
        void* val = va_arg(ap, void*);
        auto* nelem = va_arg(ap, uint_t*);
        ret = lookup_common(nvl, name, type, nelem, val, "nvlist_lookup_pairs");
        break;
      }
      default:
        ret = EINVAL;
    }
    if (ret == ENOENT && (flag & NV_FLAG_NOENTOK)) ret = 0;
  }
  va_end(ap);
  return ret;
}

int nvlist_remove(nvlist_t* nvl, const char* name, data_type_t type) {
  if (!nvl || !name) return EINVAL;
  Priv* priv = P(nvl, "nvlist_remove");
  if (!priv) return EINVAL;
  if (!find(priv, name, type)) return ENOENT;
  remove_matching(priv, name, type, false);
  return 0;
}

int nvlist_remove_all(nvlist_t* nvl, const char* name) {
  if (!nvl || !name) return EINVAL;
  Priv* priv = P(nvl, "nvlist_remove_all");
  if (!priv) return EINVAL;
  bool any = false;
  for (Inp* i = priv->head; i && !any; i = i->next) any = std::strcmp(NVP_NAME(NVP(i)), name) == 0;
  if (!any) return ENOENT;
  remove_matching(priv, name, 0, true);
  return 0;
}

// By plain name only (nvpair.c also parses "name[index]" here): a name
// with a '[' is not modelled rather than answered wrong.
int nvlist_lookup_nvpair(nvlist_t* nvl, const char* name, nvpair_t** ret) {
  if (!nvl || !name) return EINVAL;
  Priv* priv = P(nvl, "nvlist_lookup_nvpair");
  if (!priv) return EINVAL;
  if (!(nvl->nvl_nvflag & NV_UNIQUE_NAME)) return ENOTSUP;
  if (std::strchr(name, '[')) ks_not_modelled("nvlist_lookup_nvpair with an array index");
  for (Inp* i = priv->head; i; i = i->next)
    if (std::strcmp(NVP_NAME(NVP(i)), name) == 0) {
      if (ret) *ret = NVP(i);
      return 0;
    }
  return EINVAL;  // nvpair.c's answer for a name not found here
}

boolean_t nvlist_exists(nvlist_t* nvl, const char* name) {
  if (!nvl || !name) return B_FALSE;
  Priv* priv = P(nvl, "nvlist_exists");
  if (!priv) return B_FALSE;
  for (Inp* i = priv->head; i; i = i->next)
    if (std::strcmp(NVP_NAME(NVP(i)), name) == 0) return B_TRUE;
  return B_FALSE;
}

boolean_t nvlist_empty(nvlist_t* nvl) {
  if (!nvl) return B_TRUE;
  Priv* priv = P(nvl, "nvlist_empty");
  return !priv || !priv->head ? B_TRUE : B_FALSE;
}

// Iteration in insertion order; a pair not of this list (and not the
// cursor) ends it (NULL), as nvpair.c answers.
nvpair_t* nvlist_next_nvpair(nvlist_t* nvl, nvpair_t* nvp) {
  if (!nvl) return nullptr;
  Priv* priv = P(nvl, "nvlist_next_nvpair");
  if (!priv) return nullptr;
  Inp* curr = nullptr;
  if (!nvp) {
    curr = priv->head;
  } else {
    Inp* want = INP(nvp);
    bool mine = priv->curr == want;
    for (Inp* i = priv->head; i && !mine; i = i->next) mine = i == want;
    curr = mine ? want->next : nullptr;
  }
  priv->curr = curr;
  return curr ? NVP(curr) : nullptr;
}

nvpair_t* nvlist_prev_nvpair(nvlist_t* nvl, nvpair_t* nvp) {
  if (!nvl) return nullptr;
  Priv* priv = P(nvl, "nvlist_prev_nvpair");
  if (!priv) return nullptr;
  Inp* curr = nullptr;
  if (!nvp) {
    curr = priv->tail;
  } else {
    Inp* want = INP(nvp);
    bool mine = priv->curr == want;
    for (Inp* i = priv->head; i && !mine; i = i->next) mine = i == want;
    curr = mine ? want->prev : nullptr;
  }
  priv->curr = curr;
  return curr ? NVP(curr) : nullptr;
}

char* nvpair_name(nvpair_t* nvp) { return NVP_NAME(const_cast<nvpair_t*>(PAIR(nvp, "nvpair_name"))); }
data_type_t nvpair_type(nvpair_t* nvp) { return PAIR(nvp, "nvpair_type")->nvp_type; }

int nvlist_size(nvlist_t* nvl, size_t* size, int encoding) {
  if (!nvl || !size) return EINVAL;
  Priv* priv = P(nvl, "nvlist_size");
  if (!priv) return EINVAL;
  uint64_t n;
  if (encoding == NV_ENCODE_NATIVE)
    n = 4 + packed_size(priv, true);
  else if (encoding == NV_ENCODE_XDR)
    n = 4 + xdr_list_size(priv);
  else
    return ENOTSUP;
  if (n > INT32_MAX) return EINVAL;
  *size = n;
  return 0;
}

// Into the caller's buffer of *buflen bytes (EFAULT when it is too small,
// EINVAL below the header), or into one allocated here with kmflag, which
// the caller frees with kmem_free(*bufp, *buflen).
int nvlist_pack(nvlist_t* nvl, char** bufp, size_t* buflen, int encoding, int kmflag) {
  if (!nvl || !bufp || !buflen) return EINVAL;
  Priv* priv = P(nvl, "nvlist_pack");
  if (!priv) return EINVAL;
  char* buf = *bufp;
  size_t len = *buflen;
  if (buf) {
    // nvpair.c writes the header into a caller's buffer before it looks
    // at the encoding.
    if (len < 4) return EINVAL;
    buf[0] = static_cast<char>(encoding);
  } else {
    size_t need = 0;
    if (int e = nvlist_size(nvl, &need, encoding)) return e;
    buf = static_cast<char*>(alloc(need, kmflag, kPackTag));
    if (!buf) return ENOMEM;
    std::memset(buf, 0, need);
    len = need;
  }
  buf[1] = 1;  // little-endian
  buf[2] = buf[3] = 0;
  if (encoding != NV_ENCODE_NATIVE && encoding != NV_ENCODE_XDR) return ENOTSUP;
  buf[0] = static_cast<char>(encoding);
  int err;
  if (encoding == NV_ENCODE_XDR) {
    err = xdr_encode(buf + 4, buf + len, nvl, priv);
  } else {
    Stream s{buf + 4, buf + len, true, 0};
    const uint32_t head[2] = {static_cast<uint32_t>(nvl->nvl_version), nvl->nvl_nvflag};
    err = put(s, head, 8);
    if (!err) err = encode_list(s, priv);
  }
  if (err) {
    if (!*bufp) release(buf, len, "nvlist_pack");
    return err;
  }
  if (!*bufp) {
    *bufp = buf;
    *buflen = len;
  }
  return 0;
}

int nvlist_unpack(char* buf, size_t buflen, nvlist_t** nvlp, int kmflag) {
  if (!nvlp) return EINVAL;
  nvlist_t* nvl;
  if (int e = nvlist_alloc(&nvl, 0, kmflag)) return e;
  auto* priv = reinterpret_cast<Priv*>(static_cast<uintptr_t>(nvl->nvl_priv));
  int err = 0;
  if (!buf || buflen < 4) {
    err = EINVAL;
  } else if (buf[0] == NV_ENCODE_XDR) {
    err = xdr_decode(buf + 4, buf + buflen, nvl, priv);  // the header's endianness: unused
  } else if (buf[0] != NV_ENCODE_NATIVE || buf[1] != 1) {
    err = ENOTSUP;  // another encoding, or native of the other endianness
  } else {
    Stream s{buf + 4, buf + buflen, false, 0};
    uint32_t head[2];
    if (s.end - s.cur < 8) {
      err = EFAULT;
    } else {
      std::memcpy(head, s.cur, 8);
      s.cur += 8;
      nvl->nvl_version = static_cast<int32_t>(head[0]);
      nvl->nvl_nvflag = head[1];
      err = decode_list(s, nvl, priv);
    }
  }
  if (err) {
    nvlist_free(nvl);
    return err;
  }
  *nvlp = nvl;
  return 0;
}

}  // extern "C"
