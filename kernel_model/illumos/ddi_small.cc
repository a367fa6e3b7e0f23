// Small DDI services that only translate: power management requests (not
// modelled: the device stays at full power), ddi_umem_alloc, ureadc and
// uwritec on uiomove, the buf helpers.
#include <cstring>

#include "kernel_model/world.h"

extern "C" {
#include <sys/buf.h>
#include <sys/sunddi.h>
#include <sys/uio.h>
}

bool ks_il_umem_is_lock(const void* cookie);  // umem_lock.cc

extern "C" {

int pm_busy_component(dev_info_t*, int) { return DDI_SUCCESS; }
int pm_idle_component(dev_info_t*, int) { return DDI_SUCCESS; }
int pm_raise_power(dev_info_t*, int, int) { return DDI_SUCCESS; }
int pm_lower_power(dev_info_t*, int, int) { return DDI_SUCCESS; }
int pm_power_has_changed(dev_info_t*, int, int) { return DDI_SUCCESS; }
int ddi_removing_power(dev_info_t*) { return 0; }

// The cookie is the allocation; its size sits in the word before the data
// so ddi_umem_free can free it exactly.
// A size of 0 gives NULL and a NULL cookie (seg_dev.c ddi_umem_alloc;
// checked).
void* ddi_umem_alloc(size_t size, int flags, ddi_umem_cookie_t* cookiep) {
  if (cookiep) *cookiep = nullptr;
  if (size == 0) return nullptr;
  size_t n = ((size + PAGESIZE - 1) & ~size_t(PAGESIZE - 1)) + sizeof(size_t);
  int f = ((flags & DDI_UMEM_NOSLEEP) ? KS_KM_NOSLEEP : KS_KM_SLEEP) | KS_KM_ZERO;
  auto* p = static_cast<char*>(ks_kmem_alloc(n, f, "ddi_umem_alloc"));
  if (!p) return nullptr;
  std::memcpy(p, &n, sizeof n);
  if (cookiep) *cookiep = reinterpret_cast<ddi_umem_cookie_t>(p + sizeof n);
  return p + sizeof n;
}

void ddi_umem_free(ddi_umem_cookie_t cookie) {
  if (!cookie) return;
  // seg_dev.c (read) kmem_frees the cookie's address: for a ddi_umem_lock
  // cookie that is the user address, kmem's bad free.
  if (ks_il_umem_is_lock(cookie))
    ks::km::World::current()->fail(
        ks::sim::FailureKind::kMemory,
        "bad free: ddi_umem_free of a cookie from ddi_umem_lock or umem_lockmemory "
        "(ddi_umem_unlock releases it; ddi_umem_free frees ddi_umem_alloc memory)",
        "bad_free:ddi_umem_free");
  char* p = reinterpret_cast<char*>(cookie) - sizeof(size_t);
  size_t n;
  std::memcpy(&n, p, sizeof n);
  ks_kmem_free(p, n, "ddi_umem_free");
}

size_t ks_il_umem_size(ddi_umem_cookie_t cookie) {
  size_t n;
  std::memcpy(&n, reinterpret_cast<char*>(cookie) - sizeof(size_t), sizeof n);
  return n - sizeof(size_t);
}

int ureadc(int c, uio_t* uio) {
  char b = static_cast<char>(c);
  if (uio->uio_resid <= 0) return 0;
  return uiomove(&b, 1, UIO_READ, uio);
}

int uwritec(uio_t* uio) {
  unsigned char b;
  if (uio->uio_resid <= 0) return -1;
  return uiomove(&b, 1, UIO_WRITE, uio) ? -1 : b;
}

size_t biosize(void) { return sizeof(struct buf); }

void bioreset(struct buf* bp) {
  biofini(bp);
  bioinit(bp);
}

void clrbuf(struct buf* bp) {
  std::memset(bp->b_un.b_addr, 0, bp->b_bcount);
  bp->b_resid = 0;
}

}  // extern "C"
