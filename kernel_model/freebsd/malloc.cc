// malloc(9)'s kernel parts (sys/malloc.h for the rules): the malloc types
// kern_malloc.c defines for every driver, realloc(9), and libkern's strdup
// family, all on kmem (a type's C name is the buffers' tag).
#include <algorithm>
#include <cstring>

#include "kernel_model/kmem.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/malloc.h>
#include <sys/systm.h>
}

#undef panic
#undef printf
#undef malloc
#undef free
#undef realloc
#undef strdup
#undef strndup

extern "C" {

MALLOC_DEFINE(M_DEVBUF, "devbuf", "device driver memory");
MALLOC_DEFINE(M_TEMP, "temp", "misc temporary data buffers");
MALLOC_DEFINE(M_CACHE, "cache", "Various Dynamically allocated caches");

void* ks_fb_realloc(void* addr, size_t size, struct malloc_type* type, int flags) {
  if (!addr) return ks_fb_malloc(size, type, flags);
  size_t alloc = ks::km::kmem_size(*ks::km::World::current(), addr);
  // Not a live buffer: free(9)'s report names it (a bad or double free).
  if (alloc == 0) ks_kmem_free(addr, SIZE_MAX, "realloc");
  if (size <= alloc && size > alloc / 2) return addr;
  void* fresh = ks_fb_malloc(size, type, flags);
  if (!fresh) return nullptr;
  std::memcpy(fresh, addr, std::min(size, alloc));
  ks_fb_free(addr, type);
  return fresh;
}

void* ks_fb_reallocf(void* addr, size_t size, struct malloc_type* type, int flags) {
  void* mem = ks_fb_realloc(addr, size, type, flags);
  if (!mem) ks_fb_free(addr, type);
  return mem;
}

char* ks_fb_strdup_flags(const char* s, struct malloc_type* type, int flags) {
  size_t n = std::strlen(s) + 1;
  auto* d = static_cast<char*>(ks_fb_malloc(n, type, flags));
  if (d) std::memcpy(d, s, n);
  return d;
}

char* ks_fb_strndup(const char* s, size_t max, struct malloc_type* type) {
  size_t n = strnlen(s, max);
  auto* d = static_cast<char*>(ks_fb_malloc(n + 1, type, M_WAITOK));
  std::memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

}  // extern "C"
