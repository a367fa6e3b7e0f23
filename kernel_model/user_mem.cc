// User address spaces: the reserved host range, per-process page maps, and
// the kernel's copies across the user boundary (DESIGN.md, User memory).
#include "kernel_model/user_mem.h"

#include <sys/mman.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "kernel_model/devmap.h"
#include "kernel_model/kmem.h"
#include "kernel_model/page_lock.h"
#include "kernel_model/proc.h"
#include "kernel_model/race.h"
#include "kernel_model/world.h"
#include "sim/asan_fiber.h"  // KS_ASAN

namespace ks::km {

namespace {

// Below 4 GiB so ILP32 callers' pointers fit; fixed so every run, in every
// process, hands out the same addresses (trace hashes include them). The
// top gigabyte under 4 GiB: a non-PIE host (Debian's python3) has its brk
// heap at a random place in the low gigabyte.
constexpr uint64_t kRangeBase = 0xC0000000ull;
constexpr uint64_t kRangeSize = 1ull << 30;
constexpr uint64_t kRangeEnd = kRangeBase + kRangeSize;

// Written once, by reserve_range's static initialiser, then only read: the
// signal handler reads it.
bool g_reserved = false;

// Whether [lo, hi) lies wholly in inaccessible (---p) mappings of this
// process, as when AddressSanitizer's shadow gap already covers it.
bool covered_prot_none(uint64_t lo, uint64_t hi) {
  FILE* f = std::fopen("/proc/self/maps", "r");
  if (!f) return false;
  char line[512];
  uint64_t at = lo;
  while (at < hi && std::fgets(line, sizeof line, f)) {
    unsigned long long a, b;
    char perms[8] = {};
    if (std::sscanf(line, "%llx-%llx %7s", &a, &b, perms) != 3) continue;
    if (a <= at && at < b) {
      if (std::strncmp(perms, "---", 3) != 0) break;
      at = b;
    }
  }
  std::fclose(f);
  return at >= hi;
}

// The range is address space only (PROT_NONE, no reserve): a driver that
// dereferences a user address faults here instead of hitting host memory.
// User addresses are simulated (copies go through the page map), so if
// something of the host's already sits there the addresses stay the same and
// runs stay deterministic; only a direct dereference is no longer certain to
// fault, and we say so once. Every mmap asks: a function-local static
// (a guard load after the first) rather than std::call_once, whose
// thread-local state cost a TLS lookup per call.
void reserve_range() {
  [[maybe_unused]] static const bool once = [] {
    void* want = reinterpret_cast<void*>(kRangeBase);
    void* got = mmap(want, kRangeSize, PROT_NONE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (got == want) {
      g_reserved = true;
      return true;
    }
    int e = errno;
    if (got != MAP_FAILED) munmap(got, kRangeSize);  // a kernel without NOREPLACE moved it
    if (got == MAP_FAILED && e == EEXIST && covered_prot_none(kRangeBase, kRangeEnd)) {
      g_reserved = true;  // AddressSanitizer's shadow gap: it faults all the same
      return true;
    }
    std::fprintf(stderr,
                 "kernsim: warning: cannot reserve the simulated user address range "
                 "[0x%" PRIx64 ", 0x%" PRIx64 ") in this process (%s): a driver that "
                 "dereferences a user address directly may not fault\n",
                 kRangeBase, kRangeEnd, got == MAP_FAILED ? std::strerror(e) : "moved");
    return true;
  }();
}

uint64_t page_down(uint64_t a) { return a & ~(kUserPage - 1); }

// Rounds len up to whole pages; 0 when it would overflow or exceed the range.
uint64_t round_len(uint64_t len) {
  if (len == 0 || len > kRangeSize) return 0;
  return (len + kUserPage - 1) & ~(kUserPage - 1);
}

bool in_range(uint64_t addr, uint64_t len) {
  return addr >= kRangeBase && len <= kRangeSize && addr - kRangeBase <= kRangeSize - len;
}

bool range_free(const AddressSpace& as, uint64_t addr, uint64_t len) {
  auto it = as.pages.lower_bound(addr);
  return it == as.pages.end() || it->first >= addr + len;
}

// First-fit from `from`, then once more from the start of the range.
uint64_t find_free(const AddressSpace& as, uint64_t from, uint64_t len) {
  for (uint64_t a : {from, kRangeBase}) {
    while (a >= kRangeBase && a + len <= kRangeEnd) {
      auto it = as.pages.lower_bound(a);
      if (it == as.pages.end() || it->first >= a + len) return a;
      a = it->first + kUserPage;  // skip past the page in the way
    }
  }
  return 0;
}

// A scheduling point on a fiber; on the host (scenario set-up) only the event.
void user_point(World& w, uint16_t kind, ObjId obj, uint64_t a0, uint64_t a1) {
  if (w.sim().on_fiber()) w.sim().point(kind, obj, a0, a1);
  else w.sim().emit(kind, obj, a0, a1);
}

// One copy across the boundary, page by page. `need` is the protection the
// kernel's access needs (0 for the process's own accesses: mapped is enough).
// `to_user`: data flows from kbuf to the user pages.
// Reading freed kernel memory out to the user (copyout, a read's uiomove):
// what KASAN reports as a use after free. Asked at the copy itself, after
// its scheduling point, where a free by another thread has already come.
void check_freed_source(World& w, const unsigned char* kbuf, size_t n) {
  uint64_t off = 0;
  if (const KmemHdr* h = kmem_freed_read(w, kbuf, n, &off))
    w.fail(sim::FailureKind::kMemory,
           "read after free: a copy to user memory read " + std::to_string(n) +
               " bytes at offset " + std::to_string(off) + " of a " + std::to_string(h->size) +
               "-byte buffer of tag " + h->tag + " that thread " + w.thread_name(h->free_tid) +
               " freed at step " + std::to_string(h->free_step),
           std::string("read_after_free:") + h->tag);
}

int copy_pages(World& w, Proc& p, uint16_t kind, int need, uint64_t uaddr, unsigned char* kbuf,
               size_t len, bool to_user) {
  if (len == 0) {
    user_point(w, kind, p.obj, uaddr, 0);
    return 0;
  }
  uint64_t end = uaddr + len;
  if (end < uaddr) {  // wraps: no such range
    user_point(w, kind, p.obj, uaddr, len);
    w.sim().emit(kind, p.obj, uaddr, len, -EFAULT);
    return EFAULT;
  }
  for (uint64_t a = uaddr; a < end;) {
    uint64_t pg = page_down(a);
    uint64_t n = std::min<uint64_t>(end, pg + kUserPage) - a;
    // The point comes before the lookup: another thread may have unmapped
    // or protected this page while the copy was under way.
    user_point(w, kind, p.obj, a, n);
    UserPage* up = p.as.pages.find(pg);
    if (!up || (up->prot & need) != need ||
        (__builtin_expect(up->dev, 0) &&
         devmap_touch(w, p, pg, *up, a - pg, n, to_user, kind == kEvUserMem))) {
      w.sim().emit(kind, p.obj, a, n, -EFAULT);
      return EFAULT;
    }
    if (to_user) {
      check_freed_source(w, kbuf, n);
      up->store(a - pg, kbuf, n);
    } else std::memcpy(kbuf, up->mem + (a - pg), n);
    kbuf += n;
    a += n;
  }
  return 0;
}

void check_may_sleep(World& w, const char* op, Proc& p) {
  if (w.sim().on_fiber()) w.assert_may_sleep(op, p.obj);
}

}  // namespace

uint64_t user_range_base() {
  reserve_range();
  return kRangeBase;
}
uint64_t user_range_size() { return kRangeSize; }

namespace {
// Backing pages come back here and serve the next mmap on this host thread:
// a reset World maps the same pages again in every execution, and paid an
// aligned_alloc and a free per page (glibc's memalign path) in each. A page
// is kept zeroed (its written bytes cleared as it comes back). Bounded:
// beyond it, pages are freed.
struct PageCache {
  static constexpr size_t kMax = 4096;  // 16 MiB
  std::vector<void*> pages;
  ~PageCache();
};
// The hot paths reach the cache through one constant-initialised
// thread-local (a TLS lookup each: _core is a shared object, where every
// use of a thread-local was one); the cache itself, which has a
// destructor, is made at the thread's first page.
struct PageCacheRef {
  PageCache* cache = nullptr;
  // Set once the cache is gone: a process destroyed later in the thread's
  // exit (a recycled one, component_pool.h) frees its pages itself.
  bool gone = false;
};
// initial-exec (as sim.h's tls_current_sim): every mmap and munmap, and a
// process's recycling, reach it, and _core's general-dynamic accesses were
// a __tls_get_addr call each.
thread_local constinit PageCacheRef t_page_cache __attribute__((tls_model("initial-exec")));
PageCache& page_cache(PageCacheRef& r) {
  if (!r.cache) {
    thread_local PageCache c;
    r.cache = &c;
  }
  return *r.cache;
}
PageCache::~PageCache() {
  t_page_cache.gone = true;
  t_page_cache.cache = nullptr;
  for (void* p : pages) std::free(p);
}

// A zeroed page.
void* page_get() {
  auto& c = page_cache(t_page_cache).pages;
  if (!c.empty()) {
    void* p = c.back();
    c.pop_back();
    return p;
  }
  void* mem = std::aligned_alloc(kUserPage, kUserPage);
  if (!mem) {
    std::fprintf(stderr, "kernsim: fatal: out of host memory backing user pages\n");
    std::abort();
  }
  std::memset(mem, 0, kUserPage);
  return mem;
}

void page_put(const UserPage& pg) {
  PageCacheRef& r = t_page_cache;
  if (r.gone) {
    std::free(pg.mem);
    return;
  }
  auto& c = page_cache(r).pages;
  if (c.size() >= PageCache::kMax) {
    std::free(pg.mem);
    return;
  }
  if (pg.dirty_hi > pg.dirty_lo) std::memset(pg.mem + pg.dirty_lo, 0, pg.dirty_hi - pg.dirty_lo);
  c.push_back(pg.mem);
}
}  // namespace

AddressSpace::~AddressSpace() { clear(); }

void AddressSpace::clear() {
  for (auto& [addr, pg] : pages)
    if (!pg.dev) page_put(pg);
  pages.clear();
  next_map = 0;
  dev.reset();
  locks.reset();
}

uint64_t as_map(World&, Proc& p, uint64_t hint, uint64_t len, int prot, int* err) {
  reserve_range();
  AddressSpace& as = p.as;
  uint64_t n = round_len(len);
  if ((prot & ~(kProtRead | kProtWrite)) != 0 || len == 0) {
    if (err) *err = EINVAL;
    return 0;
  }
  if (n == 0) {
    if (err) *err = ENOMEM;
    return 0;
  }
  uint64_t addr = 0;
  hint = page_down(hint);
  if (hint && in_range(hint, n) && range_free(as, hint, n)) {
    addr = hint;
  } else {
    uint64_t from = as.next_map ? as.next_map : kRangeBase;
    addr = find_free(as, from, n);
  }
  if (!addr) {
    if (err) *err = ENOMEM;
    return 0;
  }
  PageMap::Entry* e = as.pages.insert_run(addr, n / kUserPage, kUserPage);
  for (uint64_t i = 0; i < n / kUserPage; i++)
    e[i].second = UserPage{static_cast<unsigned char*>(page_get()), prot};
  if (!hint || addr != hint) as.next_map = addr + n;
  if (err) *err = 0;
  return addr;
}

int as_unmap(World& w, Proc& p, uint64_t addr, uint64_t len) {
  if (addr & (kUserPage - 1)) return EINVAL;
  uint64_t n = round_len(len);
  if (n == 0 || addr + n < addr) return EINVAL;
  // Locked pages cannot go: their undos run, then the unmap waits.
  if (__builtin_expect(p.as.locks != nullptr, 0)) page_locks_settle(w, p, addr, n, "munmap");
  auto& pages = p.as.pages;
  auto from = pages.lower_bound(addr), to = from;
  while (to != pages.end() && to->first < addr + n) ++to;
  // The device pages' checks first: one may end the run, and a page put
  // back to the cache must not stay in the map.
  if (__builtin_expect(p.as.dev != nullptr, 0))
    for (auto it = from; it != to; ++it)
      if (it->second.dev) devmap_unmap_page(w, p, it->first);
  for (auto it = from; it != to; ++it)
    if (!it->second.dev) page_put(it->second);
  pages.erase(from, to);
  return 0;
}

uint64_t as_map_device(Proc& p, uint64_t n, int prot) {
  reserve_range();
  AddressSpace& as = p.as;
  uint64_t addr = find_free(as, as.next_map ? as.next_map : kRangeBase, n);
  if (!addr) return 0;
  PageMap::Entry* e = as.pages.insert_run(addr, n / kUserPage, kUserPage);
  for (uint64_t i = 0; i < n / kUserPage; i++) {
    e[i].second = UserPage{nullptr, prot};
    e[i].second.dev = true;
  }
  as.next_map = addr + n;
  return addr;
}

int as_protect(World& w, Proc& p, uint64_t addr, uint64_t len, int prot) {
  if (addr & (kUserPage - 1)) return EINVAL;
  if ((prot & ~(kProtRead | kProtWrite)) != 0) return EINVAL;
  uint64_t n = round_len(len);
  if (n == 0 || addr + n < addr) return EINVAL;
  auto& pages = p.as.pages;
  // All or nothing: a hole anywhere in the range is ENOMEM, as mprotect(2).
  for (uint64_t a = addr; a < addr + n; a += kUserPage)
    if (!pages.count(a)) return ENOMEM;
  if (__builtin_expect(p.as.locks != nullptr, 0)) {
    page_locks_settle(w, p, addr, n, "mprotect");
    for (uint64_t a = addr; a < addr + n; a += kUserPage)  // it may have slept
      if (!pages.count(a)) return ENOMEM;
  }
  for (uint64_t a = addr; a < addr + n; a += kUserPage) pages.find(a)->prot = prot;
  return 0;
}

namespace {
// Data a thread copies out and another copies in through the same user
// page: what the first did before is seen by the second (the page is the
// sync key).
template <class Fn>
void for_each_user_page(const Proc& p, uint64_t uaddr, size_t len, Fn fn) {
  if (!len) return;
  for (uint64_t pg = uaddr / kUserPage, last = (uaddr + len - 1) / kUserPage; pg <= last; pg++)
    fn(kRaceKeyUser | (uint64_t(p.pid & 0xfffff) << 40) | (pg & ((1ull << 40) - 1)));
}
}  // namespace

int copyin(World& w, Proc& p, uint64_t uaddr, void* kaddr, size_t len) {
  check_may_sleep(w, "copyin", p);
  int err = copy_pages(w, p, kEvCopyin, kProtRead, uaddr, static_cast<unsigned char*>(kaddr),
                       len, false);
  if (!err && race_on(w))
    for_each_user_page(p, uaddr, len, [&](uint64_t key) { race_acquire(w, key); });
  return err;
}

int copyout(World& w, Proc& p, const void* kaddr, uint64_t uaddr, size_t len) {
  check_may_sleep(w, "copyout", p);
  if (race_on(w))
    for_each_user_page(p, uaddr, len, [&](uint64_t key) { race_release(w, key); });
  return copy_pages(w, p, kEvCopyout, kProtWrite, uaddr,
                    const_cast<unsigned char*>(static_cast<const unsigned char*>(kaddr)), len,
                    true);
}

int copyout_nofault(World& w, Proc& p, const void* kaddr, uint64_t uaddr, size_t len) {
  if (race_on(w))
    for_each_user_page(p, uaddr, len, [&](uint64_t key) { race_release(w, key); });
  return copy_pages(w, p, kEvCopyout, kProtWrite, uaddr,
                    const_cast<unsigned char*>(static_cast<const unsigned char*>(kaddr)), len,
                    true);
}

int copyinstr(World& w, Proc& p, uint64_t uaddr, char* kaddr, size_t max, size_t* done) {
  check_may_sleep(w, "copyinstr", p);
  size_t copied = 0;
  uint64_t a = uaddr;
  int rc = ENAMETOOLONG;
  while (copied < max) {
    if (a < uaddr) {  // wrapped past the top of the address space
      rc = EFAULT;
      break;
    }
    uint64_t pg = page_down(a);
    uint64_t n = std::min<uint64_t>(max - copied, pg + kUserPage - a);
    user_point(w, kEvCopyin, p.obj, a, n);
    UserPage* up = p.as.pages.find(pg);
    if (!up || !(up->prot & kProtRead) ||
        (__builtin_expect(up->dev, 0) && devmap_touch(w, p, pg, *up, a - pg, 0, false, false))) {
      w.sim().emit(kEvCopyin, p.obj, a, n, -EFAULT);
      rc = EFAULT;
      break;
    }
    const unsigned char* m = up->mem + (a - pg);
    const void* nul = std::memchr(m, 0, n);
    uint64_t take = nul ? static_cast<const unsigned char*>(nul) - m + 1 : n;
    std::memcpy(kaddr + copied, m, take);
    if (__builtin_expect(up->dev, 0) && race_on(w))
      race_access(w, m, static_cast<uint32_t>(take), false,
                  reinterpret_cast<const void*>(kRacePcCopyMapping));
    copied += take;
    a += take;
    if (nul) {
      rc = 0;
      break;
    }
  }
  if (done) *done = copied;
  return rc;
}

int user_write(World& w, Proc& p, uint64_t uaddr, const void* src, size_t len) {
  return copy_pages(w, p, kEvUserMem, 0, uaddr,
                    const_cast<unsigned char*>(static_cast<const unsigned char*>(src)), len,
                    true);
}

int user_read(World& w, Proc& p, uint64_t uaddr, void* dst, size_t len) {
  return copy_pages(w, p, kEvUserMem, 0, uaddr, static_cast<unsigned char*>(dst), len, false);
}

// AddressSanitizer builds: an instrumented load checks the address's shadow
// byte first, and the user range lies in ASan's shadow gap, so a direct
// dereference faults at the shadow byte. Its address maps back to the user
// address (to 8 bytes), and the report is the one the plain build gives.
static uintptr_t asan_app_address(uintptr_t a) {
#if KS_ASAN
  size_t scale = 0, offset = 0;
  __asan_get_shadow_mapping(&scale, &offset);
  if (a >= offset) return (a - offset) << scale;
#endif
  return a;
}

// Runs in the fault handler, on the alternate signal stack.
bool describe_user_fault(World& w, uintptr_t addr, std::string* what, std::string* sig) {
  if (addr < kRangeBase || addr >= kRangeEnd) addr = asan_app_address(addr);
  if (addr < kRangeBase || addr >= kRangeEnd) return false;
  char buf[160];
  std::snprintf(buf, sizeof buf,
                "driver dereferenced user address 0x%" PRIxPTR
                " directly (missing copyin/copyout?)",
                addr);
  std::string m = buf;
  if (w.sim().on_fiber()) {
    KThread& k = w.self();
    if (k.syscall) {
      m += std::string(" during ") + k.syscall;
      std::snprintf(buf, sizeof buf, " (arg 0x%" PRIx64 ")", k.syscall_arg);
      m += buf;
    }
    if (k.proc) {
      bool mapped = k.proc->as.pages.count(page_down(addr)) != 0;
      m += std::string("; the address is ") + (mapped ? "mapped" : "not mapped") +
           " in process " + k.proc->name;
    } else {
      m += "; a kernel thread, with no user process";
    }
  }
  *what = std::move(m);
  *sig = "fault:user_address";
  return true;
}

}  // namespace ks::km
