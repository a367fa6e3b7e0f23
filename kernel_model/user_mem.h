// User address spaces (DESIGN.md, User memory).
//
// A process's user addresses are simulated addresses inside one host range
// that is reserved PROT_NONE (at a fixed address below 4 GiB, so ILP32
// callers' addresses fit and every run sees the same addresses). The pages
// a process maps are backed by separate host memory that the World owns;
// copyin/copyout translate page by page (each page a scheduling point, so a
// concurrent munmap/mprotect can land in the middle of a copy) and return
// EFAULT for a hole or a protection mismatch. A driver that dereferences a
// user address directly faults on the reserved range, and the fault is
// reported as exactly that (describe_user_fault).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace ks::km {

class World;
struct Proc;

constexpr uint64_t kUserPage = 4096;
constexpr int kProtRead = 1, kProtWrite = 2;

struct UserPage {
  unsigned char* mem;  // host backing, kUserPage bytes
  int prot;            // kProtRead | kProtWrite
  // The bytes ever written, [dirty_lo, dirty_hi): all else is still zero,
  // so the page goes back to the cache zeroed by clearing only these (a
  // whole page's memset per mapped page was most of an mmap). Every store
  // into `mem` goes through store().
  uint32_t dirty_lo = kUserPage, dirty_hi = 0;
  // A page of a device mapping (devmap.h): `mem` is the driver's kernel
  // memory (null until the first touch faults it in), never the cache's.
  bool dev = false;
  void store(uint64_t off, const void* src, size_t n) {
    if (!n) return;
    std::memcpy(mem + off, src, n);
    if (off < dirty_lo) dirty_lo = static_cast<uint32_t>(off);
    if (off + n > dirty_hi) dirty_hi = static_cast<uint32_t>(off + n);
  }
};

// A process's mapped pages by page-aligned user address, ordered: a sorted
// flat array (a process maps a few pages, mostly at the end; a map's node
// per page was a heap allocation per page per execution).
class PageMap {
 public:
  using Entry = std::pair<uint64_t, UserPage>;
  using iterator = std::vector<Entry>::iterator;
  using const_iterator = std::vector<Entry>::const_iterator;
  iterator begin() { return v_.begin(); }
  iterator end() { return v_.end(); }
  const_iterator begin() const { return v_.begin(); }
  const_iterator end() const { return v_.end(); }
  bool empty() const { return v_.empty(); }
  size_t size() const { return v_.size(); }
  // The first page at or above addr.
  const_iterator lower_bound(uint64_t addr) const {
    return std::lower_bound(v_.begin(), v_.end(), addr,
                            [](const Entry& e, uint64_t a) { return e.first < a; });
  }
  iterator lower_bound(uint64_t addr) {
    return std::lower_bound(v_.begin(), v_.end(), addr,
                            [](const Entry& e, uint64_t a) { return e.first < a; });
  }
  UserPage* find(uint64_t addr) {
    auto it = lower_bound(addr);
    return it != v_.end() && it->first == addr ? &it->second : nullptr;
  }
  const UserPage* find(uint64_t addr) const { return const_cast<PageMap*>(this)->find(addr); }
  size_t count(uint64_t addr) const { return find(addr) ? 1 : 0; }
  const UserPage& at(uint64_t addr) const {
    if (const UserPage* p = find(addr)) return *p;
    throw std::out_of_range("no user page mapped there");
  }
  // Makes room for n pages from addr on, none of them mapped (the caller
  // checked): their entries, addresses set, to fill in.
  Entry* insert_run(uint64_t addr, size_t n, uint64_t page_size) {
    // Mostly past the last page (mmap takes the next free place): a
    // resize, not a fill-insert's shuffle.
    auto pos = lower_bound(addr);
    iterator at;
    if (pos == v_.end()) {
      size_t i = v_.size();
      v_.resize(i + n);
      at = v_.begin() + static_cast<ptrdiff_t>(i);
    } else {
      at = v_.insert(pos, n, Entry{});
    }
    for (size_t i = 0; i < n; i++) at[i].first = addr + i * page_size;
    return &*at;
  }
  iterator erase(iterator from, iterator to) { return v_.erase(from, to); }
  // Empties it, keeping the storage (the pages' memory is the caller's).
  void clear() { v_.clear(); }

 private:
  std::vector<Entry> v_;
};

struct DevMaps;
struct DevMapsFree {  // devmap.cc: DevMaps stays incomplete here
  void operator()(DevMaps* d) const;
};

struct PageLocks;
struct PageLocksFree {  // page_lock.cc
  void operator()(PageLocks* l) const;
};

struct AddressSpace {
  PageMap pages;           // by page-aligned user address
  uint64_t next_map = 0;   // where the next mmap without a hint goes
  // The device mappings (devmap.h); null while there is none.
  std::unique_ptr<DevMaps, DevMapsFree> dev;
  // The pages drivers locked (page_lock.h); null while there is none.
  std::unique_ptr<PageLocks, PageLocksFree> locks;
  ~AddressSpace();
  // Unmaps everything (the pages back to the cache), keeping the storage.
  void clear();
};

// Maps len bytes (rounded up to pages) zero-filled at `hint` if non-zero and
// free, else at the next free place; returns the address or 0 (ENOMEM/EINVAL
// in *err).
uint64_t as_map(World& w, Proc& p, uint64_t hint, uint64_t len, int prot, int* err);
int as_unmap(World& w, Proc& p, uint64_t addr, uint64_t len);
// Places n bytes (whole pages) of a device mapping at the next free place:
// its pages, not yet faulted in (UserPage::dev, mem null). 0 for ENOMEM.
uint64_t as_map_device(Proc& p, uint64_t n, int prot);
int as_protect(World& w, Proc& p, uint64_t addr, uint64_t len, int prot);

// The kernel copying to and from the current thread's process (or `p`).
// Each page is a scheduling point. Return 0 or EFAULT.
int copyin(World& w, Proc& p, uint64_t uaddr, void* kaddr, size_t len);
int copyout(World& w, Proc& p, const void* kaddr, uint64_t uaddr, size_t len);
// copyout to pages the kernel wired (FreeBSD's copyout_nofault after
// vslock): no sleep, so no may-sleep check; a hole is still EFAULT.
int copyout_nofault(World& w, Proc& p, const void* kaddr, uint64_t uaddr, size_t len);
// Copies a NUL-terminated string of at most `max` bytes including the NUL;
// ENAMETOOLONG if there is none within max, EFAULT on a hole. *done gets
// the bytes copied including the NUL.
int copyinstr(World& w, Proc& p, uint64_t uaddr, char* kaddr, size_t max, size_t* done);

// The user process itself touching its memory (a scenario writing an ioctl
// argument): no protection check beyond "mapped", a scheduling point per
// page, EFAULT for a hole.
int user_write(World& w, Proc& p, uint64_t uaddr, const void* src, size_t len);
int user_read(World& w, Proc& p, uint64_t uaddr, void* dst, size_t len);

// Base and size of the reserved host range; user addresses are host
// addresses in it.
uint64_t user_range_base();
uint64_t user_range_size();

// Describes a host fault address that lies in the reserved user range: a
// driver dereferenced a user address directly (the missing-copyin bug).
bool describe_user_fault(World& w, uintptr_t addr, std::string* what, std::string* sig);

}  // namespace ks::km
