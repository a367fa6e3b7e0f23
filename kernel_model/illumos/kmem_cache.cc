// kmem object caches (kmem_cache_create(9F)). Each object is its own kmem
// allocation tagged with the cache's name, so leaks, double frees and use
// after free are reported per cache; the constructor runs on every
// allocation and the destructor on every free (an object is constructed
// whenever the driver holds one, which is all the interface promises). The
// cache record itself is kmem too: a cache never destroyed is a leak. A
// cache destroyed with objects still allocated warns on the console, as
// illumos's kmem_cache_destroy does (kmem.c: a CE_WARN when the cache's
// buffer total is not zero, read), and its objects are then leaks.
#include "kernel_model/kmem.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/cmn_err.h>
#include <sys/kmem.h>
}

struct kmem_cache {
  // The objects' kmem tag: interned, since a leak report made after
  // kmem_cache_destroy (objects left out) reads it when the record is gone.
  const char* name;
  size_t size;
  int (*ctor)(void*, void*, int);
  void (*dtor)(void*, void*);
  void* priv;
  size_t out;  // objects allocated and not freed
};

extern "C" {

kmem_cache_t* kmem_cache_create(char* name, size_t size, size_t, int (*ctor)(void*, void*, int),
                                void (*dtor)(void*, void*), void (*)(void*), void* priv, void*,
                                int) {
  auto* c = static_cast<kmem_cache_t*>(
      ks_kmem_alloc(sizeof(kmem_cache_t), KS_KM_SLEEP | KS_KM_ZERO, "kmem_cache_create"));
  c->name = ks::km::World::current()->sim().intern(name ? name : "kmem_cache");
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
  if (buf) c->out++;
  return buf;
}

void kmem_cache_free(kmem_cache_t* c, void* buf) {
  // illumos kmem_cache_free with kmem debugging finds a buffer freed twice
  // before touching it (kmem.c kmem_cache_free_debug: KMERR_DUPFREE), and
  // a freed object's destructor never runs again (an object is destroyed
  // only when the slab layer takes it back). Running the destructor on the
  // freed, poisoned object reported the driver's own VERIFY in its
  // destructor instead of the double free (found by tests/drivers/ilpool.c).
  const ks::km::KmemHdr* h = ks::km::kmem_buffer(*ks::km::World::current(), buf);
  if (c->dtor && !(h && h->freed)) c->dtor(buf, c->priv);
  ks_kmem_free(buf, c->size, "kmem_cache_free");  // a double free ends the execution here
  c->out--;
}

// kmem.c kmem_cache_reap_now: returns the cache's free magazines to the
// slab layer. Here no freed object is kept constructed, so there is
// nothing to reap.
void kmem_cache_reap_now(kmem_cache_t*) {}

void kmem_cache_destroy(kmem_cache_t* c) {
  if (c->out != 0)
    cmn_err(CE_WARN, "kmem_cache_destroy: cache '%s' destroyed with %lu objects allocated",
            c->name, static_cast<unsigned long>(c->out));
  ks_kmem_free(c, sizeof(kmem_cache_t), "kmem_cache_destroy");
}

}  // extern "C"
