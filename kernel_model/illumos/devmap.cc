// mmap(2) of an illumos device: specfs's choice of mapping framework
// (spec_char_map), devmap_setup and its callbacks, devmap_umem_setup over
// ddi_umem_alloc memory; onto the neutral device mappings (devmap.h).
//
// Checked in illumos-gate (fs/specfs/specvnops.c spec_char_map,
// spec_addmap, spec_delmap; vm/seg_dev.c devmap_setup, ddi_devmap_segmap,
// devmap_umem_setup, ddi_umem_alloc/free):
// - a cb_segmap that is NULL, nulldev or nodev means specfs picks: with
//   D_DEVMAP in cb_flag, or no cb_mmap (NULL, nulldev, nodev), cb_devmap
//   (ENODEV when it too is unset) through devmap_setup; otherwise the old
//   cb_mmap framework (spec_segmap, page frame numbers: not modelled). Any
//   other cb_segmap is called (ddi_devmap_segmap is devmap_setup).
// - devmap_setup: EINVAL without a cb_devmap, or without D_DEVMAP when
//   cb_mmap is NULL or nulldev; cb_devmap is asked from the offset on for
//   the rest of the length, once per handle, until the range is covered;
//   its error is ENXIO, a length not a page multiple EINVAL; after the
//   mapping is made each handle's devmap_map callback runs, and a failure
//   there unmaps the handles before it (devmap_unmap) and is ENXIO.
// - devmap_umem_setup: DDI_FAILURE for a NULL cookie, off + len beyond the
//   cookie's size, a handle already set up, DEVMAP_ALLOW_REMAP without
//   devmap_access, a protection the maxprot does not allow; the kernel
//   address is the cookie's plus off truncated to a page, the length
//   rounded up to pages.
// - ddi_umem_free frees at once (kmem_free for the usual non-pageable
//   memory): no reference is counted for mappings, so freeing memory a
//   process still maps is the driver's bug (devmap.h reports it).
// - spec_addmap counts mapped pages and holds the driver; spec_delmap, when
//   the count drops to zero and no open remains, calls the driver's close
//   (with flag 0): DevOps::close_after_unmap.
// From memory, not checked: the segment's unmap calls devmap_unmap for the
// handles unmapped before VOP_DELMAP; the protection handed down includes
// no PROT_USER for this check (kernsim asks read/write only, so a driver
// passing PROT_ALL or PROT_READ|PROT_WRITE as maxprot both pass).
#include <cstring>
#include <memory>
#include <vector>

#include "kernel_model/illumos/dev_impl.h"
#include "kernel_model/user_mem.h"

extern "C" {
#include <sys/conf.h>
#include <sys/mman.h>
#include <sys/sunddi.h>
#include <vm/as.h>
}

// The size ddi_umem_alloc gave a cookie (ddi_small.cc).
extern "C" size_t ks_il_umem_size(ddi_umem_cookie_t cookie);
bool ks_il_umem_is_lock(const void* cookie);  // umem_lock.cc

// The devmap handle a driver's devmap(9E) gets (devmap_cookie_t).
struct devmap_handle {
  uint64_t uoff = 0;  // device offset of its first page
  uint64_t len = 0;   // whole pages, set by the setup
  char* kva = nullptr;
  bool done = false;  // DEVMAP_SETUP_DONE
  int prot = 0;       // the mapping's protection (PROT_READ | PROT_WRITE)
  struct devmap_callback_ctl cb {};
  void* pvtp = nullptr;
};

namespace ks::km::illumos {
namespace {

// One mmap(2)'s handles, the neutral layer's DevMapping::h.
struct IlMap {
  IlDriver* drv = nullptr;
  dev_t dev = 0;
  std::vector<std::unique_ptr<devmap_handle>> dh;
};

// What an mmap asks of the driver, found by devmap_setup through the
// address space handed to cb_segmap (struct as's reserved word): each
// mmap has its own, so two mmaps in flight (cb_devmap may block) do not
// meet.
struct MapReq {
  uint32_t magic = 0x6d617051;  // "Qpam"
  IlDriver* drv = nullptr;
  uint64_t len = 0;
  IlMap* out = nullptr;
};

bool unset(const void* fn) {
  return !fn || fn == reinterpret_cast<const void*>(&nodev) ||
         fn == reinterpret_cast<const void*>(&nulldev);
}
template <class F>
const void* P(F fn) {
  return reinterpret_cast<const void*>(fn);
}

void unmap_handles(IlMap& m, size_t upto) {
  for (size_t i = 0; i < upto; i++) {
    devmap_handle* d = m.dh[i].get();
    if (d->cb.devmap_unmap)
      d->cb.devmap_unmap(d, d->pvtp, static_cast<offset_t>(d->uoff), d->len, nullptr, nullptr,
                         nullptr, nullptr);
  }
}

int a_map_range(void* cookie, uint64_t dev, uint64_t off, uint64_t len, int prot, int flags,
                const Cred& cr, void** h) {
  IlDriver* d = static_cast<IlDriver*>(cookie);
  struct cb_ops* cb = d->ops ? d->ops->devo_cb_ops : nullptr;
  if (!cb) return ENODEV;
  auto segmap = cb->cb_segmap;
  if (unset(P(segmap))) {
    if (!(cb->cb_flag & D_DEVMAP) && !unset(P(cb->cb_mmap)))
      ks_not_modelled("cb_mmap");  // spec_segmap: page frame numbers per page
    if (unset(P(cb->cb_devmap))) return ENODEV;
    segmap = &ddi_devmap_segmap;
  }
  MapReq req;
  req.drv = d;
  req.len = len;
  struct as a {};
  a.a_ks_reserved = &req;
  caddr_t addr = nullptr;
  uint_t p = (prot & kProtRead ? PROT_READ : 0) | (prot & kProtWrite ? PROT_WRITE : 0);
  int rc = segmap(static_cast<dev_t>(dev), static_cast<off_t>(off), &a, &addr,
                  static_cast<off_t>(len), p, PROT_ALL, static_cast<uint_t>(flags),
                  reinterpret_cast<cred_t*>(const_cast<Cred*>(&cr)));
  std::unique_ptr<IlMap> m(req.out);
  if (rc) {
    if (m) unmap_handles(*m, m->dh.size());
    return rc;
  }
  if (!m) ks_not_modelled("cb_segmap that maps through no devmap_setup");
  m->drv = d;
  std::shared_ptr<IlMap> owned(m.release());
  d->maps.push_back(owned);
  *h = owned.get();
  return 0;
}

int a_map_page(void* h, uint64_t off, void** kva) {
  IlMap& m = *static_cast<IlMap*>(h);
  for (auto& d : m.dh)
    if (off >= d->uoff && off - d->uoff < d->len) {
      *kva = d->kva + (off - d->uoff);
      return 0;
    }
  return EFAULT;
}

void a_map_gone(void* h) {
  IlMap* m = static_cast<IlMap*>(h);
  unmap_handles(*m, m->dh.size());
  auto& v = m->drv->maps;
  for (size_t i = 0; i < v.size(); i++)
    if (v[i].get() == m) {
      v.erase(v.begin() + static_cast<ptrdiff_t>(i));
      break;
    }
}

}  // namespace

void devmap_adapter(DevOps& ops) {
  ops.map_range = a_map_range;
  ops.map_page = a_map_page;
  ops.map_gone = a_map_gone;
  ops.close_after_unmap = true;
}

}  // namespace ks::km::illumos

using namespace ks::km::illumos;

extern "C" {

struct as kas;

int ddi_segmap(dev_t, off_t, struct as*, caddr_t*, off_t, uint_t, uint_t, uint_t, cred_t*) {
  ks_not_modelled("ddi_segmap");
}
int ddi_segmap_setup(dev_t, off_t, struct as*, caddr_t*, off_t, uint_t, uint_t, uint_t, cred_t*,
                     ddi_device_acc_attr_t*, uint_t) {
  ks_not_modelled("ddi_segmap_setup");
}
int ddi_devmap_segmap(dev_t dev, off_t off, struct as* as, caddr_t* addrp, off_t len,
                      uint_t prot, uint_t maxprot, uint_t flags, cred_t* cred) {
  return devmap_setup(dev, static_cast<offset_t>(off), as, addrp, static_cast<size_t>(len),
                      prot, maxprot, flags, cred);
}

int devmap_setup(dev_t dev, offset_t off, struct as* as, caddr_t* addrp, size_t len,
                 uint_t prot, uint_t, uint_t flags, cred_t*) {
  auto* req = as ? static_cast<MapReq*>(as->a_ks_reserved) : nullptr;
  if (!req || req->magic != MapReq{}.magic || req->out)
    ks_not_modelled("devmap_setup outside the mmap(2) of a device");
  IlDriver* drv = req->drv;
  struct cb_ops* cb = drv->ops->devo_cb_ops;
  if (unset(P(cb->cb_devmap))) return EINVAL;
  if (!(cb->cb_flag & D_DEVMAP) &&
      (!cb->cb_mmap || P(cb->cb_mmap) == reinterpret_cast<const void*>(&nulldev)))
    return EINVAL;
  auto m = std::make_unique<IlMap>();
  m->dev = dev;
  uint64_t at = static_cast<uint64_t>(off);
  for (uint64_t total = 0; total < len;) {
    m->dh.push_back(std::make_unique<devmap_handle>());
    devmap_handle* d = m->dh.back().get();
    d->uoff = at;
    d->prot = static_cast<int>(prot & (PROT_READ | PROT_WRITE));
    size_t maplen = 0;
    // devmap(9E): `model` is the data model of the mapping process.
    if (cb->cb_devmap(dev, d, static_cast<offset_t>(at), len - total, &maplen,
                      get_udatamodel()) != 0)
      return ENXIO;
    if (maplen & PAGEOFFSET) return EINVAL;
    // Neither is checked by illumos (a zero length loops, a handle never
    // set up maps nothing); kernsim refuses the mapping instead.
    if (maplen == 0 || !d->done) return ENXIO;
    if (d->cb.devmap_access) ks_not_modelled("devmap_access");
    at += maplen;
    total += maplen;
  }
  for (size_t i = 0; i < m->dh.size(); i++) {
    devmap_handle* d = m->dh[i].get();
    if (!d->cb.devmap_map) continue;
    if (d->cb.devmap_map(d, dev, flags, static_cast<offset_t>(d->uoff), d->len, &d->pvtp) != 0) {
      unmap_handles(*m, i);
      return ENXIO;
    }
  }
  if (addrp) *addrp = nullptr;  // the neutral layer picks the address
  req->out = m.release();
  return 0;
}

int devmap_devmem_setup(devmap_cookie_t, dev_info_t*, struct devmap_callback_ctl*, uint_t,
                        offset_t, size_t, uint_t, uint_t, ddi_device_acc_attr_t*) {
  ks_not_modelled("devmap_devmem_setup");  // no device registers to map
}

int devmap_umem_setup(devmap_cookie_t dhp, dev_info_t*, struct devmap_callback_ctl* callbackops,
                      ddi_umem_cookie_t cookie, offset_t off, size_t len, uint_t maxprot,
                      uint_t flags, ddi_device_acc_attr_t*) {
  if (!cookie || !dhp) return DDI_FAILURE;
  if (ks_il_umem_is_lock(cookie)) ks_not_modelled("devmap_umem_setup of a ddi_umem_lock cookie");
  if (off < 0 || static_cast<uint64_t>(off) + len > ks_il_umem_size(cookie)) return DDI_FAILURE;
  if (callbackops && (flags & DEVMAP_ALLOW_REMAP) && !callbackops->devmap_access)
    return DDI_FAILURE;
  if (dhp->done) return DDI_FAILURE;
  if (flags & DEVMAP_MAPPING_INVALID) ks_not_modelled("DEVMAP_MAPPING_INVALID");
  const uint64_t roff = static_cast<uint64_t>(off) & ~uint64_t(PAGEOFFSET);
  dhp->kva = reinterpret_cast<char*>(cookie) + roff;
  dhp->len = (len + PAGEOFFSET) & ~size_t(PAGEOFFSET);
  if ((dhp->prot & static_cast<int>(maxprot)) != dhp->prot) return DDI_FAILURE;
  if (callbackops) dhp->cb = *callbackops;
  dhp->done = true;
  return DDI_SUCCESS;
}

int devmap_load(devmap_cookie_t, offset_t, size_t, uint_t, uint_t) {
  ks_not_modelled("devmap_load");
}
int devmap_unload(devmap_cookie_t, offset_t, size_t) { ks_not_modelled("devmap_unload"); }
int as_fault(struct hat*, struct as*, caddr_t, size_t, enum fault_type, enum seg_rw) {
  ks_not_modelled("as_fault");
}
pfn_t hat_getpfnum(struct hat*, caddr_t) { ks_not_modelled("hat_getpfnum"); }

}  // extern "C"
