// mmap(2) of a character device (devmap.h).
#include "kernel_model/devmap.h"

#include <cerrno>
#include <cinttypes>
#include <cstdio>

#include "kernel_model/devsw.h"
#include "kernel_model/kmem.h"
#include "kernel_model/proc.h"
#include "kernel_model/race.h"
#include "kernel_model/syscalls.h"
#include "kernel_model/user_mem.h"
#include "kernel_model/world.h"

namespace ks::km {

namespace {

// Where kmem starts in the physical address model: above the first 4 GiB,
// so that a physical address is never mistaken for a user or kernel one.
constexpr uint64_t kPhysBase = 0x100000000ull;

std::string hex(uint64_t v) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%" PRIx64, v);
  return b;
}

DevMaps& maps_of(Proc& p) {
  if (!p.as.dev) p.as.dev.reset(new DevMaps);
  return *p.as.dev;
}

std::string describe(const DevMapping& m, uint64_t pg) {
  return "its mapping of " + m.node->path + " at " + hex(m.addr) + " (device offset " +
         hex(m.off + (pg - m.addr)) + ")";
}

[[noreturn]] void freed_while_mapped(World& w, Proc& p, const DevMapping& m, uint64_t pg,
                                     const KmemHdr* h, const char* what) {
  w.fail(sim::FailureKind::kMemory,
         std::string("kernel memory freed while still mapped into a user process: process ") +
             p.name + " " + what + " page " + hex(pg) + " of " + describe(m, pg) +
             ", backed by a " + std::to_string(h->size) + "-byte buffer of tag " + h->tag +
             " that thread " + w.thread_name(h->free_tid) + " freed at step " +
             std::to_string(h->free_step) +
             "; a driver must keep the memory it maps until the mapping is gone",
         std::string("freed_while_mapped:") + h->tag);
}

}  // namespace

void DevMapsFree::operator()(DevMaps* d) const { delete d; }

DevPage* DevMaps::find(uint64_t addr) {
  auto it = std::lower_bound(pages.begin(), pages.end(), addr,
                             [](const DevPage& d, uint64_t a) { return d.addr < a; });
  return it != pages.end() && it->addr == addr ? &*it : nullptr;
}

uint64_t kmem_vtophys(World& w, const void* kva) {
  KmemState& k = w.kmem();
  auto a = static_cast<const char*>(kva);
  if (!k.base || a < k.base || a >= k.base + k.used) return 0;
  return kPhysBase + static_cast<uint64_t>(a - k.base);
}

void* kmem_phystov(World& w, uint64_t pa) {
  KmemState& k = w.kmem();
  if (!k.base || pa < kPhysBase || pa - kPhysBase >= k.used) return nullptr;
  return k.base + (pa - kPhysBase);
}

int64_t devmap_mmap(World& w, Proc& p, int64_t fd, uint64_t len, int prot, int flags,
                    int64_t off) {
  // The order of the checks is FreeBSD's (kern_mmap, devfs_mmap_f,
  // vm_mmap_cdev; checked): the descriptor, the open's access against the
  // protection, then the device's own.
  if (len == 0 || (prot & ~(kProtRead | kProtWrite)) != 0) return -EINVAL;
  if ((off & static_cast<int64_t>(kUserPage - 1)) != 0) return -EINVAL;
  int kind = flags & (kMapShared | kMapPrivate);
  if (kind != kMapShared && kind != kMapPrivate) return -EINVAL;
  if (len > user_range_size()) return -ENOMEM;
  uint64_t n = (len + kUserPage - 1) & ~(kUserPage - 1);
  FileHold h(w, p, fd);
  if (!h.f) return -EBADF;
  OpenFile& f = *h.f;
  // A file that is no device's open (a kqueue) has no mmap: ENODEV.
  if (f.fo_close || !f.node) return -ENODEV;
  if (((prot & kProtRead) && !(f.flags & kFRead)) ||
      ((prot & kProtWrite) && !(f.flags & kFWrite)))
    return -EACCES;
  // A device gives no private (copy-on-write) mapping.
  if (kind == kMapPrivate) return -EINVAL;
  DevNode& node = *f.node;
  if (!node.ops.mmap && !node.ops.map_range) return -ENODEV;
  // Every page of the range must be mappable, before anything is mapped.
  void* rh = nullptr;
  if (node.ops.map_range) {
    CurFileScope scope(w, h.f.get());
    int e = node.ops.map_range(node.ops.cookie, f.dev, static_cast<uint64_t>(off), n, prot,
                               kind, p.cred, &rh);
    if (e) return -e;
  } else {
    CurFileScope scope(w, h.f.get());
    for (uint64_t at = 0; at < n; at += kUserPage) {
      void* kva = nullptr;
      int e = node.ops.mmap(node.ops.cookie, f.dev, static_cast<uint64_t>(off) + at, prot,
                            false, &kva);
      if (e) return -e;
    }
  }
  uint64_t addr = as_map_device(p, n, prot);
  if (!addr) {
    if (rh && node.ops.map_gone) node.ops.map_gone(rh);
    return -ENOMEM;
  }
  DevMaps& d = maps_of(p);
  uint32_t mi = static_cast<uint32_t>(d.maps.size());
  DevMapping m{&node, f.dev, addr, n, static_cast<uint64_t>(off), prot};
  m.h = rh;
  m.live = static_cast<uint32_t>(n / kUserPage);
  if (node.ops.close_after_unmap) {
    m.held = true;
    m.fflags = 0;  // spec_delmap closes with flag 0 (no file flags at hand)
    m.uid = p.cred.uid;
    m.gid = p.cred.gid;
    devsw_map_hold(w, node, f.dev);
  }
  d.maps.push_back(m);
  auto pos = std::lower_bound(d.pages.begin(), d.pages.end(), addr,
                              [](const DevPage& x, uint64_t a) { return x.addr < a; });
  std::vector<DevPage> add;
  for (uint64_t at = 0; at < n; at += kUserPage) add.push_back(DevPage{addr + at, mi});
  d.pages.insert(pos, add.begin(), add.end());
  return static_cast<int64_t>(addr);
}

int devmap_touch(World& w, Proc& p, uint64_t pg, UserPage& up, uint64_t at, uint64_t n,
                 bool write, bool by_user) {
  DevPage* dp = p.as.dev ? p.as.dev->find(pg) : nullptr;
  if (!dp) return EFAULT;  // gone with a failure already reported
  DevMapping& m = p.as.dev->maps[dp->map];
  if (!dp->faulted) {
    void* kva = nullptr;
    int e = m.h ? m.node->ops.map_page(m.h, m.off + (pg - m.addr), &kva)
                : m.node->ops.mmap(m.node->ops.cookie, m.dev, m.off + (pg - m.addr), m.prot,
                                   true, &kva);
    if (e)
      w.fail(sim::FailureKind::kFault,
             "SIGBUS: process " + p.name + " touched page " + hex(pg) + " of " +
                 describe(m, pg) + ", whose fault the device refused (" +
                 std::string(errno_name(e)) + (m.node->removed ? ", the device is gone" : "") +
                 ") after accepting the range at mmap",
             "sigbus:devmap:" + m.node->owner);
    uint64_t boff = 0;
    const KmemHdr* hdr = kmem_containing(w, kva, &boff);
    if (!hdr) {
      w.fail(sim::FailureKind::kHostError,
             "the device backed page " + hex(pg) + " of " + describe(m, pg) +
                 " with memory that is no kernel memory buffer (only kmem can be mapped)",
             "not_modelled:devmap_memory");
    }
    up.mem = static_cast<unsigned char*>(kva);
    dp->faulted = true;
    dp->hdr = hdr;
  }
  if (dp->hdr->freed)
    freed_while_mapped(w, p, m, pg, dp->hdr, write ? "wrote through" : "read through");
  if (n && race_on(w))
    race_access(w, up.mem + at, static_cast<uint32_t>(n), write,
                reinterpret_cast<const void*>(by_user ? kRacePcUserMapping : kRacePcCopyMapping));
  return 0;
}

void devmap_unmap_page(World& w, Proc& p, uint64_t pg) {
  if (!p.as.dev) return;
  DevMaps& d = *p.as.dev;
  DevPage* dp = d.find(pg);
  if (!dp) return;
  DevMapping& m = d.maps[dp->map];
  if (dp->faulted && dp->hdr->freed) freed_while_mapped(w, p, m, pg, dp->hdr, "unmapped");
  d.pages.erase(d.pages.begin() + (dp - d.pages.data()));
  if (--m.live > 0) return;
  // The mapping's last page went: the device is told (illumos: the
  // devmap_unmap callbacks), then a mapping that held the dev open
  // releases it, which may be its last close (spec_delmap).
  const DevMapping gone = m;
  m.h = nullptr;
  m.held = false;
  if (gone.h && gone.node->ops.map_gone) gone.node->ops.map_gone(gone.h);
  if (gone.held) {
    Cred cr;
    cr.uid = gone.uid;
    cr.gid = gone.gid;
    devsw_close(w, *gone.node, gone.dev, gone.fflags, cr);
  }
}

void devmap_exit(World& w, Proc& p) {
  if (!p.as.dev) return;
  // Address order, as the map goes.
  while (!p.as.dev->pages.empty()) {
    uint64_t pg = p.as.dev->pages.front().addr;
    as_unmap(w, p, pg, kUserPage);
  }
}

}  // namespace ks::km
