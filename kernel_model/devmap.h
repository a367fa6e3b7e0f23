// mmap(2) of a character device (DESIGN.md, User memory: device mappings).
//
// A device mapping's user pages are backed by the driver's kernel memory:
// the page map entry (UserPage::dev) points at the kmem the driver named,
// so the process's accesses through the mapping and the driver's own
// accesses see the same bytes. Which kernel memory backs a page is the
// driver's answer (DevOps::mmap), asked for every page at mmap time (the
// kernel's check that the whole range can be mapped) and again at the first
// touch of each page (the fault that enters it in the page table): FreeBSD's
// device pager does both (device_pager.c: old_dev_pager_ctor, and
// old_dev_pager_fault).
//
// The driver must keep that memory until the mapping is gone. A touch of a
// page whose backing buffer was freed is a use after free by the process;
// a mapping unmapped (munmap, exit) over a freed buffer is the same bug
// found later: memory the allocator may hand to anyone was still reachable
// from user space. A fault the driver refuses is the process's SIGBUS.
//
// Nothing here runs unless a device mapping exists: AddressSpace::dev is
// null otherwise, and only pages with UserPage::dev set come here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ks::km {

class World;
struct Proc;
struct DevNode;
struct KmemHdr;
struct UserPage;

// mmap(2)'s flags, as the scenario says them (Linux's and FreeBSD's values).
constexpr int kMapShared = 0x1, kMapPrivate = 0x2;

struct DevMapping {
  DevNode* node;
  uint64_t dev;
  uint64_t addr, len;  // the user range, whole pages
  uint64_t off;        // the device offset of its first page
  int prot;
  // A range-mapped device's handle (DevOps::map_range), else null.
  void* h = nullptr;
  uint32_t live = 0;  // its pages still mapped
  // It holds its dev open (DevOps::close_after_unmap): the open's flags
  // and the mapper's credential for the close at its end.
  bool held = false;
  int fflags = 0;
  uint32_t uid = 0, gid = 0;
};

struct DevPage {
  uint64_t addr;       // user page
  uint32_t map;        // index in DevMaps::maps
  bool faulted = false;
  const KmemHdr* hdr = nullptr;  // the kmem buffer the page lies in
};

struct DevMaps {
  std::vector<DevMapping> maps;
  std::vector<DevPage> pages;  // by addr
  DevPage* find(uint64_t addr);
};

// mmap(fd, len, prot, flags, off) of a device file: the user address, or
// -errno.
int64_t devmap_mmap(World& w, Proc& p, int64_t fd, uint64_t len, int prot, int flags,
                    int64_t off);
// A user access (the process's own, or the kernel's copyin/copyout) to
// [pg + at, + n) of device page pg: faults the page in on first touch and
// checks the buffer behind it; with race detection, [at, at + n) is an
// access of the current thread, by user code or (by_user false) by the
// kernel's copyin/copyout. 0, or EFAULT when the fault failed (the failure
// is then reported).
int devmap_touch(World& w, Proc& p, uint64_t pg, UserPage& up, uint64_t at, uint64_t n,
                 bool write, bool by_user);
// The device page at pg goes (munmap, exit): the check that its memory
// outlived it.
void devmap_unmap_page(World& w, Proc& p, uint64_t pg);
// Process exit: every device mapping of p goes.
void devmap_exit(World& w, Proc& p);

// The kernel memory model's physical addresses (vtophys, pmap_kextract):
// a kmem address of this World maps to a fixed physical address, the same
// in every run and every World; 0 for an address outside kmem.
uint64_t kmem_vtophys(World& w, const void* kva);
// The reverse, for a mapping: null when pa is no kmem of this World.
void* kmem_phystov(World& w, uint64_t pa);

}  // namespace ks::km
