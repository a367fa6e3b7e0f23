// UMA zones (vm/uma.h for the rules) on kmem: each item is an allocation
// tagged with the zone's name, so the kernel model's checks (leaks,
// redzones, poison, double free) name the zone.
#include <cstring>

extern "C" {
#include <sys/malloc.h>
#include <sys/systm.h>
#include <vm/uma.h>
}

#undef panic
#undef printf

struct uma_zone {
  // The driver's string, as FreeBSD's zone keeps it: the items' kmem tag,
  // which must outlive the zone record when items leak past uma_zdestroy.
  const char* name;
  size_t size;
  uma_ctor ctor;
  uma_dtor dtor;
  uma_init init;
  uma_fini fini;
  int max;   // 0: no limit
  int cur;   // items out
};

extern "C" {

uma_zone_t uma_zcreate(const char* name, size_t size, uma_ctor ctor, uma_dtor dtor,
                       uma_init uminit, uma_fini fini, int, uint32_t) {
  auto* z = static_cast<uma_zone_t>(
      ks_kmem_alloc(sizeof(struct uma_zone), KS_KM_SLEEP | KS_KM_ZERO, "uma_zone"));
  z->name = name ? name : "uma";
  z->size = size ? size : 1;
  z->ctor = ctor;
  z->dtor = dtor;
  z->init = uminit;
  z->fini = fini;
  return z;
}

void uma_zdestroy(uma_zone_t z) {
  // FreeBSD prints this and carries on; the items stay allocated, so the
  // teardown's kmem check reports them as leaks under the zone's name.
  if (z->cur) ks_log(4, "Zone %s was not empty (%d items).", z->name, z->cur);
  ks_kmem_free(z, sizeof(struct uma_zone), "uma_zdestroy");
}

void* uma_zalloc_arg(uma_zone_t z, void* arg, int flags) {
  if ((flags & (M_WAITOK | M_NOWAIT)) == 0)
    ks_panic("uma_zalloc(%s): neither M_WAITOK nor M_NOWAIT", z->name);
  if (z->max && z->cur >= z->max) {
    if (flags & M_NOWAIT) return nullptr;
    ks_not_modelled("uma_zalloc(M_WAITOK) on a zone at its limit (waiting for a free item)");
  }
  void* item = ks_kmem_alloc(z->size,
                             ((flags & M_NOWAIT) ? KS_KM_NOSLEEP : KS_KM_SLEEP) |
                                 ((flags & M_ZERO) ? KS_KM_ZERO : 0),
                             z->name);
  if (!item) return nullptr;
  int iflags = flags & ~M_ZERO;
  if (z->init && z->init(item, static_cast<int>(z->size), iflags) != 0) {
    ks_kmem_free(item, z->size, "uma_zalloc");
    return nullptr;
  }
  if (z->ctor && z->ctor(item, static_cast<int>(z->size), arg, iflags) != 0) {
    if (z->fini) z->fini(item, static_cast<int>(z->size));
    ks_kmem_free(item, z->size, "uma_zalloc");
    return nullptr;
  }
  if (flags & M_ZERO) std::memset(item, 0, z->size);  // after the ctor, as FreeBSD's
  z->cur++;
  return item;
}

void uma_zfree_arg(uma_zone_t z, void* item, void* arg) {
  if (!item) return;
  if (z->dtor) z->dtor(item, static_cast<int>(z->size), arg);
  if (z->fini) z->fini(item, static_cast<int>(z->size));
  ks_kmem_free(item, z->size, "uma_zfree");
  z->cur--;
}

int uma_zone_set_max(uma_zone_t z, int nitems) {
  z->max = nitems > 0 ? nitems : 0;
  return z->max;
}

int uma_zone_get_cur(uma_zone_t z) { return z->cur; }

}  // extern "C"
