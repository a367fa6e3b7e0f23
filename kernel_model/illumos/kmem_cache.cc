// kmem object caches (kmem_cache_create(9F)). Each object is its own kmem
// allocation tagged with the cache's name, so leaks, double frees and use
// after free are reported per cache; the constructor runs on every
// allocation and the destructor on every free (an object is constructed
// whenever the driver holds one, which is all the interface promises). The
// cache record itself is kmem too: a cache never destroyed is a leak.
#include <cstring>
#include <new>

extern "C" {
#include <sys/kmem.h>
}

struct kmem_cache {
  char name[32];
  size_t size;
  int (*ctor)(void*, void*, int);
  void (*dtor)(void*, void*);
  void* priv;
};

extern "C" {

kmem_cache_t* kmem_cache_create(char* name, size_t size, size_t, int (*ctor)(void*, void*, int),
                                void (*dtor)(void*, void*), void (*)(void*), void* priv, void*,
                                int) {
  auto* c = static_cast<kmem_cache_t*>(
      ks_kmem_alloc(sizeof(kmem_cache_t), KS_KM_SLEEP | KS_KM_ZERO, "kmem_cache_create"));
  std::strncpy(c->name, name ? name : "kmem_cache", sizeof c->name - 1);
  c->size = size;
  c->ctor = ctor;
  c->dtor = dtor;
  c->priv = priv;
  return c;
}

void* kmem_cache_alloc(kmem_cache_t* c, int kmflag) {
  int f = (kmflag & KM_NOSLEEP) ? KS_KM_NOSLEEP : KS_KM_SLEEP;
  void* buf = ks_kmem_alloc(c->size, f, c->name);
  if (buf && c->ctor && c->ctor(buf, c->priv, kmflag) != 0) {
    // A constructor may fail only for KM_NOSLEEP; the allocation fails then.
    ks_kmem_free(buf, c->size, "kmem_cache_alloc");
    return nullptr;
  }
  return buf;
}

void kmem_cache_free(kmem_cache_t* c, void* buf) {
  if (c->dtor) c->dtor(buf, c->priv);
  ks_kmem_free(buf, c->size, "kmem_cache_free");
}

void kmem_cache_destroy(kmem_cache_t* c) { ks_kmem_free(c, sizeof(kmem_cache_t), "kmem_cache_destroy"); }

}  // extern "C"
