// A minimal nvlist(9): name/value pairs of strings and numbers in kmem (tag
// "nvlist"), a packed form for ioctl arguments (sys/nv.h), and lookups with
// defaults (sys/dnv.h). Only plain C data: a thread abandoned inside one of
// these (kmem_alloc is a scheduling point) leaves no host object behind.
#include <cerrno>
#include <cstring>

#include "kernsim/abi.h"

extern "C" {
#include <sys/dnv.h>
#include <sys/nv.h>
}

namespace {
constexpr const char* kTag = "nvlist";

struct nvpair {
  nvpair* next;
  int type;
  uint64_t number;
  char* name;
  char* string;
};

char* dup(const char* s) {
  size_t n = std::strlen(s) + 1;
  char* p = static_cast<char*>(ks_kmem_alloc(n, KS_KM_SLEEP, kTag));
  std::memcpy(p, s, n);
  return p;
}
void strfree(char* s) {
  if (s) ks_kmem_free(s, std::strlen(s) + 1, "nvlist_destroy");
}
}  // namespace

// FreeBSD's malloc type for packed buffers, named as the kmem tag is.
extern "C" {
struct malloc_type M_NVLIST[1] = {{"nvlist", "nvlist"}};
}

struct nvlist {
  int error;
  nvpair* head;
  nvpair* tail;
};

namespace {
const nvpair* find(const nvlist_t* nvl, const char* name, int type) {
  for (const nvpair* p = nvl ? nvl->head : nullptr; p; p = p->next)
    if (p->type == type && std::strcmp(p->name, name) == 0) return p;
  return nullptr;
}
bool exists(const nvlist_t* nvl, const char* name) {
  for (const nvpair* p = nvl->head; p; p = p->next)
    if (std::strcmp(p->name, name) == 0) return true;
  return false;
}
void add(nvlist_t* nvl, const char* name, int type, uint64_t num, const char* str) {
  if (!nvl || nvl->error) return;
  if (exists(nvl, name)) {
    nvl->error = EEXIST;  // as nvlist(9): the list is then in error
    return;
  }
  auto* p = static_cast<nvpair*>(ks_kmem_alloc(sizeof(nvpair), KS_KM_SLEEP | KS_KM_ZERO, kTag));
  p->type = type;
  p->number = num;
  p->name = dup(name);
  p->string = str ? dup(str) : nullptr;
  if (nvl->tail) nvl->tail->next = p; else nvl->head = p;
  nvl->tail = p;
}
}  // namespace

extern "C" {

nvlist_t* nvlist_create(int) {
  return static_cast<nvlist_t*>(ks_kmem_alloc(sizeof(nvlist_t), KS_KM_SLEEP | KS_KM_ZERO, kTag));
}

void nvlist_destroy(nvlist_t* nvl) {
  if (!nvl) return;
  nvpair* p = nvl->head;
  while (p) {
    nvpair* next = p->next;
    strfree(p->name);
    strfree(p->string);
    ks_kmem_free(p, sizeof(nvpair), "nvlist_destroy");
    p = next;
  }
  ks_kmem_free(nvl, sizeof(nvlist_t), "nvlist_destroy");
}

int nvlist_error(const nvlist_t* nvl) { return nvl ? nvl->error : ENOMEM; }
bool nvlist_empty(const nvlist_t* nvl) { return !nvl || !nvl->head; }

void nvlist_add_string(nvlist_t* nvl, const char* name, const char* value) {
  add(nvl, name, NV_TYPE_STRING, 0, value);
}
void nvlist_add_number(nvlist_t* nvl, const char* name, uint64_t value) {
  add(nvl, name, NV_TYPE_NUMBER, value, nullptr);
}
bool nvlist_exists_string(const nvlist_t* nvl, const char* name) {
  return find(nvl, name, NV_TYPE_STRING) != nullptr;
}
bool nvlist_exists_number(const nvlist_t* nvl, const char* name) {
  return find(nvl, name, NV_TYPE_NUMBER) != nullptr;
}

const char* nvlist_get_string(const nvlist_t* nvl, const char* name) {
  const nvpair* p = find(nvl, name, NV_TYPE_STRING);
  if (!p) ks_panic("nvlist_get_string: no string named %s", name);
  return p->string;
}
uint64_t nvlist_get_number(const nvlist_t* nvl, const char* name) {
  const nvpair* p = find(nvl, name, NV_TYPE_NUMBER);
  if (!p) ks_panic("nvlist_get_number: no number named %s", name);
  return p->number;
}
const char* dnvlist_get_string(const nvlist_t* nvl, const char* name, const char* defval) {
  const nvpair* p = find(nvl, name, NV_TYPE_STRING);
  return p ? p->string : defval;
}
uint64_t dnvlist_get_number(const nvlist_t* nvl, const char* name, uint64_t defval) {
  const nvpair* p = find(nvl, name, NV_TYPE_NUMBER);
  return p ? p->number : defval;
}

void* nvlist_pack(const nvlist_t* nvl, size_t* sizep) {
  if (!nvl || nvl->error) return nullptr;
  size_t n = 0;
  for (const nvpair* p = nvl->head; p; p = p->next)
    n += 1 + std::strlen(p->name) + 1 +
         (p->type == NV_TYPE_NUMBER ? 8 : std::strlen(p->string) + 1);
  auto* buf = static_cast<unsigned char*>(ks_kmem_alloc(n ? n : 1, KS_KM_SLEEP, kTag));
  size_t o = 0;
  for (const nvpair* p = nvl->head; p; p = p->next) {
    buf[o++] = static_cast<unsigned char>(p->type);
    size_t l = std::strlen(p->name) + 1;
    std::memcpy(buf + o, p->name, l);
    o += l;
    if (p->type == NV_TYPE_NUMBER) {
      for (int i = 0; i < 8; i++) buf[o++] = static_cast<unsigned char>(p->number >> (8 * i));
    } else {
      l = std::strlen(p->string) + 1;
      std::memcpy(buf + o, p->string, l);
      o += l;
    }
  }
  if (sizep) *sizep = n;
  return buf;
}

nvlist_t* nvlist_unpack(const void* vbuf, size_t size, int flags) {
  // Malformed input gives NULL, never a read past the buffer; the console
  // says why, so a driver author sees more than "it returned NULL".
  const auto* b = static_cast<const unsigned char*>(vbuf);
  nvlist_t* nvl = nvlist_create(flags);
  size_t o = 0, at = 0;
  const char* why = nullptr;
  while (o < size && !why) {
    at = o;
    int type = b[o++];
    const void* z = std::memchr(b + o, 0, size - o);
    if (type != NV_TYPE_NUMBER && type != NV_TYPE_STRING) {
      why = "unknown pair type";
      break;
    }
    if (!z) {
      why = "a name without its NUL";
      break;
    }
    const char* name = reinterpret_cast<const char*>(b + o);
    o = static_cast<size_t>(static_cast<const unsigned char*>(z) - b) + 1;
    if (type == NV_TYPE_NUMBER) {
      if (size - o < 8) {
        why = "a number shorter than 8 bytes";
        break;
      }
      uint64_t v = 0;
      for (int i = 0; i < 8; i++) v |= uint64_t(b[o + i]) << (8 * i);
      o += 8;
      nvlist_add_number(nvl, name, v);
    } else {
      const void* z2 = std::memchr(b + o, 0, size - o);
      if (!z2) {
        why = "a string value without its NUL";
        break;
      }
      nvlist_add_string(nvl, name, reinterpret_cast<const char*>(b + o));
      o = static_cast<size_t>(static_cast<const unsigned char*>(z2) - b) + 1;
    }
    if (nvl->error) why = "a duplicate name";
  }
  if (!why) return nvl;
  ks_log(0, "nvlist_unpack: malformed packed nvlist (%zu bytes): %s in the pair at offset %zu",
         size, why, at);
  nvlist_destroy(nvl);
  return nullptr;
}

}  // extern "C"
