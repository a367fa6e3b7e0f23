// nvpair(9F)'s internals, shared by the list code (nvpair.cc) and the XDR
// packed form (nvpair_xdr.cc). C++ only.
#pragma once

#include <cstddef>
#include <cstdint>

// (the kernel model's kmem before <sys/kmem.h>, whose macros would rename it)
#include "kernel_model/kmem.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/nvpair.h>
}

namespace ks::km::illumos::nv {

constexpr const char* kTag = "nvlist";
constexpr int kMaxRecursion = 20;  // nvpair_max_recursion (kernel)

// A pair's link, before the nvpair_t in the same buffer (nvpair.c's i_nvp_t).
struct Inp {
  Inp* next;
  Inp* prev;
};
static_assert(sizeof(Inp) % 8 == 0);

// A list's private part (nvpair.c's nvpriv_t): its pairs, the iteration
// cursor, and how to allocate for it.
struct Priv {
  uint32_t magic;
  uint32_t embedded;  // the list lives inside a parent's pair
  nvlist_t* nvl;
  Inp* head;
  Inp* tail;
  Inp* curr;
  int kmflag;
};

inline World& W() { return *World::current(); }
inline nvpair_t* NVP(Inp* i) { return reinterpret_cast<nvpair_t*>(i + 1); }
inline Inp* INP(const nvpair_t* p) { return reinterpret_cast<Inp*>(const_cast<nvpair_t*>(p)) - 1; }
inline Priv* priv_of(const nvlist_t* l) {
  return reinterpret_cast<Priv*>(static_cast<uintptr_t>(l->nvl_priv));
}
// NVP_SIZE_CALC and NVP_VALOFF
inline int64_t size_calc(int64_t name_sz, int64_t value_sz) {
  return static_cast<int64_t>(NV_ALIGN(sizeof(nvpair_t) + name_sz) + NV_ALIGN(value_sz));
}
inline size_t valoff(const nvpair_t* p) { return NV_ALIGN(sizeof(nvpair_t) + p->nvp_name_sz); }

// kmem with the list's KM_SLEEP/KM_NOSLEEP; null when a no-sleep one fails
void* alloc(size_t n, int kmflag, const char* tag = kTag);
void release(void* p, size_t n, const char* op);
Priv* priv_alloc(nvlist_t* nvl, uint32_t nvflag, int kmflag, bool embedded);
// i_get_value_size (-1: bad type or count); `limit` bounds a string's NUL
int64_t value_size(int type, const void* data, uint_t nelem, size_t limit = SIZE_MAX);
int validate_value(int type, uint_t nelem, const void* data);
void pair_contents_free(nvpair_t* nvp);
void pair_free(Inp* i, const char* op);
void link_pair(Priv* priv, Inp* i);
void list_free(nvlist_t* nvl, Priv* priv);

// NV_ENCODE_XDR (nvpair_xdr.cc): a list's bytes after the 4-byte header
// (nvlist_size's count, which, as nvpair.c's, includes 4 bytes per empty
// array that the encoding then leaves out); its encoding into [buf, end);
// the decoding of one from [buf, end) into an empty `nvl`.
uint64_t xdr_list_size(Priv* priv);
int xdr_encode(char* buf, char* end, const nvlist_t* nvl, Priv* priv);
int xdr_decode(const char* buf, const char* end, nvlist_t* nvl, Priv* priv);

}  // namespace ks::km::illumos::nv
