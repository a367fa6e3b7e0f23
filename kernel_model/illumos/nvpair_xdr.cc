// nvlist_pack/nvlist_unpack with NV_ENCODE_XDR, as the common nvpair.c
// encodes (nvs_xdr_*; read as OpenZFS carries it): big-endian 4-byte
// units; a list is its version and flags, its pairs, and two zero words;
// a pair is its XDR length, its native length (what decoding allocates),
// its name as an XDR string, type, element count, then (unless the count
// is 0) the value: 1- and 2-byte integers as 4-byte words, 8-byte ones as
// hypers, a string as an XDR string, a byte array as opaque bytes, other
// arrays as an XDR array (count, then each element as its scalar), a
// string array as consecutive XDR strings, an embedded list inline.
// Decoding checks what nvpair.c checks: a native length no longer than
// the bytes left could make (NVS_XDR_MAX_LEN), names and strings within
// the pair, array counts within it, then the pair as unpacking any pair.
#include <cstring>

#include "kernel_model/illumos/nvpair_impl.h"

namespace ks::km::illumos::nv {

namespace {

uint64_t align4(uint64_t n) { return (n + 3) & ~uint64_t(3); }

struct Xdr {
  char* cur;
  char* end;
  bool ok = true;

  void u32(uint32_t v) {
    if (end - cur < 4) { ok = false; return; }
    for (int i = 0; i < 4; i++) cur[i] = static_cast<char>(v >> (24 - 8 * i));
    cur += 4;
  }
  void u64(uint64_t v) {
    u32(static_cast<uint32_t>(v >> 32));
    u32(static_cast<uint32_t>(v));
  }
  void bytes(const void* p, size_t n) {  // opaque: padded to 4
    if (static_cast<size_t>(end - cur) < align4(n)) { ok = false; return; }
    std::memcpy(cur, p, n);
    std::memset(cur + n, 0, align4(n) - n);
    cur += align4(n);
  }
  void str(const char* s) {
    size_t n = std::strlen(s);
    u32(static_cast<uint32_t>(n));
    if (ok) bytes(s, n);
  }
};

struct XdrIn {
  const char* cur;
  const char* end;

  size_t left() const { return static_cast<size_t>(end - cur); }
  bool u32(uint32_t* v) {
    if (left() < 4) return false;
    const auto* b = reinterpret_cast<const unsigned char*>(cur);
    *v = uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | b[3];
    cur += 4;
    return true;
  }
  bool u64(uint64_t* v) {
    uint32_t hi, lo;
    if (!u32(&hi) || !u32(&lo)) return false;
    *v = uint64_t(hi) << 32 | lo;
    return true;
  }
  bool bytes(void* p, size_t n) {
    if (left() < align4(n)) return false;
    std::memcpy(p, cur, n);
    cur += align4(n);
    return true;
  }
  // xdr_string into room bytes (its NUL included): false when longer
  bool str(char* p, size_t room) {
    uint32_t n;
    if (room == 0 || !u32(&n) || n > room - 1 || !bytes(p, n)) return false;
    p[n] = '\0';
    return true;
  }
};

bool is_array(int t) {
  switch (t) {
    case DATA_TYPE_BOOLEAN_ARRAY: case DATA_TYPE_BYTE_ARRAY: case DATA_TYPE_INT8_ARRAY:
    case DATA_TYPE_UINT8_ARRAY: case DATA_TYPE_INT16_ARRAY: case DATA_TYPE_UINT16_ARRAY:
    case DATA_TYPE_INT32_ARRAY: case DATA_TYPE_UINT32_ARRAY: case DATA_TYPE_INT64_ARRAY:
    case DATA_TYPE_UINT64_ARRAY: case DATA_TYPE_STRING_ARRAY: case DATA_TYPE_NVLIST_ARRAY:
      return true;
    default:
      return false;
  }
}

// The word width of an integer type's elements in XDR (4 or 8), 0 if none.
int word(int t) {
  switch (t) {
    case DATA_TYPE_BOOLEAN_VALUE: case DATA_TYPE_BYTE: case DATA_TYPE_INT8: case DATA_TYPE_UINT8:
    case DATA_TYPE_INT16: case DATA_TYPE_UINT16: case DATA_TYPE_INT32: case DATA_TYPE_UINT32:
    case DATA_TYPE_BOOLEAN_ARRAY: case DATA_TYPE_INT8_ARRAY: case DATA_TYPE_UINT8_ARRAY:
    case DATA_TYPE_INT16_ARRAY: case DATA_TYPE_UINT16_ARRAY: case DATA_TYPE_INT32_ARRAY:
    case DATA_TYPE_UINT32_ARRAY:
      return 4;
    case DATA_TYPE_INT64: case DATA_TYPE_UINT64: case DATA_TYPE_HRTIME:
    case DATA_TYPE_INT64_ARRAY: case DATA_TYPE_UINT64_ARRAY:
      return 8;
    default:
      return 0;
  }
}

// One element of an integer type as the XDR word it is: xdr_char and
// xdr_short widen signed (x86's char is signed, so a BYTE too), the
// unsigned 16-bit one without sign.
uint64_t to_word(int t, const char* p) {
  switch (t) {
    case DATA_TYPE_BYTE: case DATA_TYPE_INT8: case DATA_TYPE_UINT8: case DATA_TYPE_INT8_ARRAY:
    case DATA_TYPE_UINT8_ARRAY:
      return static_cast<uint32_t>(static_cast<int32_t>(*reinterpret_cast<const int8_t*>(p)));
    case DATA_TYPE_INT16: case DATA_TYPE_INT16_ARRAY: {
      int16_t v;
      std::memcpy(&v, p, 2);
      return static_cast<uint32_t>(static_cast<int32_t>(v));
    }
    case DATA_TYPE_UINT16: case DATA_TYPE_UINT16_ARRAY: {
      uint16_t v;
      std::memcpy(&v, p, 2);
      return v;
    }
    default: {
      if (word(t) == 8) {
        uint64_t v;
        std::memcpy(&v, p, 8);
        return v;
      }
      uint32_t v;
      std::memcpy(&v, p, 4);
      return v;
    }
  }
}

void from_word(int t, uint64_t w, char* p) {
  size_t n = t == DATA_TYPE_BYTE || t == DATA_TYPE_INT8 || t == DATA_TYPE_UINT8 ||
                     t == DATA_TYPE_INT8_ARRAY || t == DATA_TYPE_UINT8_ARRAY
                 ? 1
             : t == DATA_TYPE_INT16 || t == DATA_TYPE_UINT16 || t == DATA_TYPE_INT16_ARRAY ||
                     t == DATA_TYPE_UINT16_ARRAY
                 ? 2
             : static_cast<size_t>(word(t));
  uint64_t v = n == 8 ? w : static_cast<uint32_t>(w);
  std::memcpy(p, &v, n);  // little-endian: the low bytes
}

uint64_t pair_size(nvpair_t* p);

uint64_t list_size(Priv* priv) {
  uint64_t n = 2 * 4 + 8;
  for (Inp* i = priv->head; i; i = i->next) n += pair_size(NVP(i));
  return n;
}

// nvs_xdr_nvp_size
uint64_t pair_size(nvpair_t* p) {
  uint64_t n = 4 + 4 + 4 + align4(std::strlen(NVP_NAME(p))) + 4 + 4;
  const int t = p->nvp_type;
  const uint64_t ne = static_cast<uint32_t>(p->nvp_value_elem);
  char* val = NVP_VALUE(p);
  switch (t) {
    case DATA_TYPE_BOOLEAN: break;
    case DATA_TYPE_STRING: n += 4 + align4(std::strlen(val)); break;
    case DATA_TYPE_BYTE_ARRAY: n += align4(ne); break;
    case DATA_TYPE_STRING_ARRAY: {
      auto** s = reinterpret_cast<char**>(val);
      for (uint64_t k = 0; k < ne; k++) n += 4 + align4(std::strlen(s[k]));
      break;
    }
    case DATA_TYPE_NVLIST:
      n += list_size(priv_of(reinterpret_cast<nvlist_t*>(val)));
      break;
    case DATA_TYPE_NVLIST_ARRAY: {
      auto** v = reinterpret_cast<nvlist_t**>(val);
      for (uint64_t k = 0; k < ne; k++) n += list_size(priv_of(v[k]));
      break;
    }
    default:
      n += is_array(t) ? 4 + word(t) * ne : static_cast<uint64_t>(word(t));
  }
  return n;
}

bool encode_list(Xdr& x, const nvlist_t* nvl, Priv* priv, int depth);

bool encode_pair(Xdr& x, nvpair_t* p, int depth) {
  x.u32(static_cast<uint32_t>(pair_size(p)));
  x.u32(static_cast<uint32_t>(p->nvp_size));
  x.str(NVP_NAME(p));
  x.u32(static_cast<uint32_t>(p->nvp_type));
  x.u32(static_cast<uint32_t>(p->nvp_value_elem));
  const int t = p->nvp_type;
  const int32_t ne = p->nvp_value_elem;
  if (ne == 0) return x.ok;
  char* val = NVP_VALUE(p);
  switch (t) {
    case DATA_TYPE_STRING: x.str(val); break;
    case DATA_TYPE_BYTE_ARRAY: x.bytes(val, static_cast<size_t>(ne)); break;
    case DATA_TYPE_STRING_ARRAY: {
      auto** s = reinterpret_cast<char**>(val);
      for (int32_t k = 0; k < ne; k++) x.str(s[k]);
      break;
    }
    case DATA_TYPE_NVLIST: {
      auto* e = reinterpret_cast<nvlist_t*>(val);
      return encode_list(x, e, priv_of(e), depth + 1);
    }
    case DATA_TYPE_NVLIST_ARRAY: {
      auto** v = reinterpret_cast<nvlist_t**>(val);
      for (int32_t k = 0; k < ne; k++)
        if (!encode_list(x, v[k], priv_of(v[k]), depth + 1)) return false;
      break;
    }
    default: {
      const size_t width = static_cast<size_t>(value_size(t, nullptr, 1));  // one element
      if (is_array(t)) x.u32(static_cast<uint32_t>(ne));
      for (int32_t k = 0; k < (is_array(t) ? ne : 1); k++) {
        uint64_t w = to_word(t, val + static_cast<size_t>(k) * width);
        if (word(t) == 8) x.u64(w); else x.u32(static_cast<uint32_t>(w));
      }
    }
  }
  return x.ok;
}

bool encode_list(Xdr& x, const nvlist_t* nvl, Priv* priv, int depth) {
  if (depth > kMaxRecursion) return false;
  x.u32(static_cast<uint32_t>(nvl->nvl_version));
  x.u32(nvl->nvl_nvflag);
  for (Inp* i = priv->head; i; i = i->next)
    if (!encode_pair(x, NVP(i), depth)) return false;
  x.u32(0);
  x.u32(0);
  return x.ok;
}

int decode_list(XdrIn& x, nvlist_t* nvl, Priv* priv, int depth);

int decode_embedded(XdrIn& x, Priv* parent, nvlist_t* e, int depth) {
  Priv* p = priv_alloc(e, 0, parent->kmflag, true);
  if (!p) return ENOMEM;
  if (depth >= kMaxRecursion) {
    list_free(e, p);
    return EINVAL;
  }
  int err = decode_list(x, e, p, depth + 1);
  if (err) list_free(e, p);
  return err;
}

// nvs_xdr_nvp_op, decoding, into a zeroed pair of len bytes.
int decode_value(XdrIn& x, Priv* priv, nvpair_t* p, int32_t len, int depth) {
  char* pend = reinterpret_cast<char*>(p) + len;
  char* name = NVP_NAME(p);
  if (name >= pend || !x.str(name, static_cast<size_t>(pend - name))) return EFAULT;
  p->nvp_name_sz = static_cast<int16_t>(std::strlen(name) + 1);
  uint32_t t, ne;
  if (!x.u32(&t) || !x.u32(&ne)) return EFAULT;
  p->nvp_type = static_cast<data_type_t>(t);
  p->nvp_value_elem = static_cast<int32_t>(ne);
  int64_t vsz = value_size(static_cast<int>(t), nullptr, ne);
  if (vsz < 0) return EFAULT;
  if (ne == 0) return 0;
  char* val = NVP_VALUE(p);
  if (val >= pend) return EFAULT;
  const size_t room = static_cast<size_t>(pend - val);
  if (room < static_cast<size_t>(vsz)) return EFAULT;
  switch (t) {
    case DATA_TYPE_NVLIST:
      return decode_embedded(x, priv, reinterpret_cast<nvlist_t*>(val), depth) ? EFAULT : 0;
    case DATA_TYPE_NVLIST_ARRAY: {
      auto** slots = reinterpret_cast<nvlist_t**>(val);
      auto* emb = reinterpret_cast<nvlist_t*>(val + size_t(ne) * 8);
      for (uint32_t k = 0; k < ne; k++) {
        if (decode_embedded(x, priv, emb + k, depth) != 0) {
          p->nvp_value_elem = static_cast<int32_t>(k);
          pair_contents_free(p);
          return EFAULT;
        }
        slots[k] = emb + k;
      }
      return 0;
    }
    case DATA_TYPE_BOOLEAN:
      return 0;
    case DATA_TYPE_STRING:
      return x.str(val, room) ? 0 : EFAULT;
    case DATA_TYPE_BYTE_ARRAY:
      return x.bytes(val, ne) ? 0 : EFAULT;
    case DATA_TYPE_STRING_ARRAY: {
      auto** slots = reinterpret_cast<char**>(val);
      char* s = val;
      size_t left = room, step = size_t(ne) * 8;
      for (uint32_t k = 0; k < ne; k++) {
        if (left <= step) return EFAULT;
        s += step;
        left -= step;
        if (!x.str(s, left)) return EFAULT;
        slots[k] = s;
        step = std::strlen(s) + 1;
      }
      return 0;
    }
    default: {
      const size_t width = static_cast<size_t>(value_size(static_cast<int>(t), nullptr, 1));
      uint32_t count = 1;
      // xdr_array: its own count, at most what the pair can hold
      if (is_array(static_cast<int>(t)) && (!x.u32(&count) || count > room / width))
        return EFAULT;
      for (uint32_t k = 0; k < count; k++) {
        uint64_t w;
        uint32_t w32;
        if (word(static_cast<int>(t)) == 8) {
          if (!x.u64(&w)) return EFAULT;
        } else {
          if (!x.u32(&w32)) return EFAULT;
          w = w32;
        }
        from_word(static_cast<int>(t), w, val + size_t(k) * width);
      }
      return 0;
    }
  }
}

// NVS_XDR_MAX_LEN: the largest native pair `avail` XDR bytes can make.
uint64_t max_len(uint64_t avail) {
  uint64_t data = avail <= 20 ? 0 : avail - 20;
  return static_cast<uint64_t>(size_calc(1, 0)) + data * 2 + align4(data / 4);
}

int decode_list(XdrIn& x, nvlist_t* nvl, Priv* priv, int depth) {
  uint32_t version, flag;
  if (!x.u32(&version) || !x.u32(&flag)) return EFAULT;
  nvl->nvl_version = static_cast<int32_t>(version);
  nvl->nvl_nvflag = flag;
  for (;;) {
    uint32_t enc, dec;
    if (!x.u32(&enc) || !x.u32(&dec)) return EFAULT;
    if (dec == 0) return 0;
    const int32_t len = static_cast<int32_t>(dec);
    if (len < 0 || static_cast<uint64_t>(len) > max_len(x.left()) || len < size_calc(1, 0))
      return EFAULT;
    auto* i = static_cast<Inp*>(alloc(sizeof(Inp) + static_cast<size_t>(len), priv->kmflag));
    if (!i) return ENOMEM;
    std::memset(i, 0, sizeof(Inp) + static_cast<size_t>(len));
    nvpair_t* p = NVP(i);
    p->nvp_size = len;
    int err = decode_value(x, priv, p, len, depth);
    if (!err) {
      // i_validate_nvpair, as for any unpacked pair
      const int type = p->nvp_type;
      const uint_t ne = static_cast<uint_t>(p->nvp_value_elem);
      char* val = NVP_VALUE(p);
      const size_t voff = valoff(p);
      int64_t actual = -1;
      if (voff <= static_cast<size_t>(len)) {
        const size_t room = static_cast<size_t>(len) - voff;
        actual = value_size(type, type == DATA_TYPE_STRING || type == DATA_TYPE_STRING_ARRAY ? val
                                                                                          : nullptr,
                            ne, room);
        if (validate_value(type, ne, val) != 0 || actual < 0 || room != NV_ALIGN(actual))
          actual = -1;
      }
      if (actual < 0) {
        pair_contents_free(p);
        err = EFAULT;
      }
    }
    if (err) {
      p->nvp_type = DATA_TYPE_UNKNOWN;
      pair_free(i, "nvlist_unpack");
      return err;
    }
    link_pair(priv, i);
  }
}

}  // namespace

uint64_t xdr_list_size(Priv* priv) { return list_size(priv); }

int xdr_encode(char* buf, char* end, const nvlist_t* nvl, Priv* priv) {
  if (reinterpret_cast<uintptr_t>(buf) % 4 != 0) return EFAULT;
  Xdr x{buf, end};
  return encode_list(x, nvl, priv, 0) ? 0 : EFAULT;
}

int xdr_decode(const char* buf, const char* end, nvlist_t* nvl, Priv* priv) {
  if (reinterpret_cast<uintptr_t>(buf) % 4 != 0) return EFAULT;
  XdrIn x{buf, end};
  return decode_list(x, nvl, priv, 0);
}

}  // namespace ks::km::illumos::nv
