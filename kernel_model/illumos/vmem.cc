// illumos vmem arenas (sys/vmem.h for what is modelled). The arena and its
// segments live in kmem, so a reset restores them with every other kmem
// object (as id_space.cc's). Segments tile each span and are kept in the
// arena list's order (spans as added, then by address); illumos's
// power-of-two free lists are not kept as lists: a free segment's list is
// its size's high bit and its place in the list the time it went on
// (vmem_freelist_insert puts a segment at the list's head), so a search
// sorts the free segments by (list, newest first) and walks them as
// vmem_xalloc walks its lists. Facts checked in illumos-gate
// usr/src/uts/common/os/vmem.c: instant fit's choice of list, vmem_xalloc's
// walk and constraint arithmetic, vmem_seg_alloc's split (the remainder
// right of the allocation goes on its list before the one left of it, and
// a start-of-segment allocation that keeps the remainder's list keeps its
// place), coalescing in vmem_xfree, the messages of its panics and of
// vmem_destroy's CE_WARN, vmem_size's arithmetic.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

extern "C" {
#include <sys/cmn_err.h>
#include <sys/vmem.h>
}

#include "kernel_model/illumos/arena_wait.h"
#include "kernsim/abi.h"

namespace {

struct Seg {
  uint64_t start, end;  // an allocation's end is rounded up to the quantum
  uint64_t size;        // an allocation's size as asked: vmem_free must match it
  uint64_t seq;         // a free segment's time on its free list
  uint32_t span;        // index in vmem::spans
  uint8_t type;         // VMEM_ALLOC or VMEM_FREE
};
struct Span {
  uint64_t start, end;
};

}  // namespace

struct vmem {
  uint32_t magic;  // kVmemMagic from vmem_create to vmem_destroy
  char name[32];   // VMEM_NAMELEN is 30 on illumos
  int cflags;
  uint64_t quantum;
  uint64_t inuse, total;  // vk_mem_inuse, vk_mem_total
  uint64_t clock;         // free-list insertions so far
  // The next-fit rotor: just after the last next-fit allocation, in arena
  // order (span, address). Initially before every span.
  uint32_t rotor_span;
  uint64_t rotor;
  uint32_t waitq;  // arena_wait.h
  uint32_t nseg, segcap, nspan, spancap;
  Seg* segs;
  Span* spans;
};

namespace {

constexpr const char* kTag = "vmem";
constexpr uint32_t kVmemMagic = 0x766d656d;  // "vmem"

int highbit(uint64_t x) { return x ? 64 - __builtin_clzll(x) : 0; }
bool pow2(uint64_t x) { return (x & (x - 1)) == 0; }
uint64_t roundup(uint64_t x, uint64_t q) { return (x + q - 1) & ~(q - 1); }
int list_of(const Seg& s) { return highbit(s.end - s.start) - 1; }

template <typename T>
void grow(T*& a, uint32_t n, uint32_t& cap) {
  if (n < cap) return;
  uint32_t ncap = cap ? cap * 2 : 8;
  auto* b = static_cast<T*>(ks_kmem_alloc(sizeof(T) * ncap, KS_KM_SLEEP | KS_KM_ZERO, kTag));
  if (n) std::memcpy(b, a, sizeof(T) * n);
  if (a) ks_kmem_free(a, sizeof(T) * cap, kTag);
  a = b;
  cap = ncap;
}

void insert_seg(vmem_t* vm, uint32_t at, const Seg& s) {
  grow(vm->segs, vm->nseg, vm->segcap);
  std::memmove(vm->segs + at + 1, vm->segs + at, sizeof(Seg) * (vm->nseg - at));
  vm->segs[at] = s;
  vm->nseg++;
}
void erase_seg(vmem_t* vm, uint32_t at) {
  std::memmove(vm->segs + at, vm->segs + at + 1, sizeof(Seg) * (vm->nseg - at - 1));
  vm->nseg--;
}

void on_freelist(vmem_t* vm, Seg& s) {
  s.type = VMEM_FREE;
  s.seq = ++vm->clock;
}

vmem_t* checked(vmem_t* vm, const char* op) {
  if (!vm) ks_panic("%s(NULL): no arena", op);
  // A destroyed arena's record is freed kmem: its magic was cleared first.
  if (vm->magic != kVmemMagic)
    ks_panic("%s(%p): not an arena vmem_create made, or one vmem_destroy destroyed", op,
             static_cast<void*>(vm));
  return vm;
}

// The free segments whose list is `from` or above, in the order vmem_xalloc
// walks the lists: by list, each list newest first.
std::vector<uint32_t> freelists_from(const vmem_t* vm, int from) {
  std::vector<uint32_t> v;
  for (uint32_t i = 0; i < vm->nseg; i++)
    if (vm->segs[i].type == VMEM_FREE && list_of(vm->segs[i]) >= from) v.push_back(i);
  std::sort(v.begin(), v.end(), [vm](uint32_t a, uint32_t b) {
    int la = list_of(vm->segs[a]), lb = list_of(vm->segs[b]);
    return la != lb ? la < lb : vm->segs[a].seq > vm->segs[b].seq;
  });
  return v;
}

// The lowest non-empty list at or above `from`, or -1.
int lowest_list(const vmem_t* vm, int from) {
  int best = -1;
  for (uint32_t i = 0; i < vm->nseg; i++) {
    const Seg& s = vm->segs[i];
    if (s.type == VMEM_FREE && list_of(s) >= from && (best < 0 || list_of(s) < best))
      best = list_of(s);
  }
  return best;
}

// vmem_seg_alloc: takes [addr, addr + size) out of free segment i.
void* seg_alloc(vmem_t* vm, uint32_t i, uint64_t addr, uint64_t size) {
  Seg free = vm->segs[i];
  uint64_t real = roundup(size, vm->quantum), aend = addr + real;
  uint64_t fsize = free.end - free.start, rest = fsize - real;
  Seg a{addr, aend, size, 0, free.span, VMEM_ALLOC};
  if (addr == free.start && rest && highbit(rest) == highbit(fsize)) {
    // The remainder stays on its list, in its place.
    vm->segs[i].start = aend;
    insert_seg(vm, i, a);
  } else {
    vm->segs[i] = a;
    if (free.end != aend) {
      Seg r{aend, free.end, 0, 0, free.span, VMEM_FREE};
      on_freelist(vm, r);
      insert_seg(vm, i + 1, r);
    }
    if (free.start != addr) {
      Seg l{free.start, addr, 0, 0, free.span, VMEM_FREE};
      on_freelist(vm, l);
      insert_seg(vm, i, l);
    }
  }
  vm->inuse += size;
  return reinterpret_cast<void*>(static_cast<uintptr_t>(addr));
}

void wait_for_space(vmem_t* vm, const char* op) {
  ks::km::illumos::arena_wait(&vm->waitq, vm->name, op);
}

// VM_NEXTFIT: the first free space at or after the rotor, wrapping. The
// rotor is not a segment here, so free space either side of it is one
// segment, searched from the rotor first and before it last: the same
// address illumos gives for allocations of one quantum (identifiers).
void* nextfit_alloc(vmem_t* vm, size_t size, int vmflag) {
  for (;;) {
    uint32_t n = vm->nseg, p0 = 0;
    while (p0 < n && (vm->segs[p0].span < vm->rotor_span ||
                      (vm->segs[p0].span == vm->rotor_span && vm->segs[p0].end <= vm->rotor)))
      p0++;
    // k == n is the split segment again: its part before the rotor.
    for (uint32_t k = 0; n && k <= n; k++) {
      uint32_t i = (p0 + k) % n;
      const Seg& s = vm->segs[i];
      if (s.type != VMEM_FREE) continue;
      bool split = s.span == vm->rotor_span && s.start < vm->rotor && vm->rotor < s.end;
      if (k == n && !split) continue;
      uint64_t from = s.start, to = s.end;
      if (split) (k == 0 ? from : to) = vm->rotor;
      if (to - from >= size) {
        uint32_t span = s.span;
        void* p = seg_alloc(vm, i, from, size);
        vm->rotor_span = span;
        vm->rotor = from + roundup(size, vm->quantum);
        return p;
      }
    }
    // Advancing illumos's rotor joins the two sides of a split segment.
    for (uint32_t i = 0; i < n; i++) {
      const Seg& s = vm->segs[i];
      if (s.type == VMEM_FREE && s.span == vm->rotor_span && s.start < vm->rotor &&
          vm->rotor < s.end && s.end - s.start >= size) {
        uint64_t from = s.start;
        void* p = seg_alloc(vm, i, from, size);
        vm->rotor = from + roundup(size, vm->quantum);
        return p;
      }
    }
    if (vmflag & VM_NOSLEEP)
      return vmem_xalloc(vm, size, vm->quantum, 0, 0, nullptr, nullptr, vmflag & VM_KMFLAGS);
    wait_for_space(vm, "vmem_alloc");
  }
}

}  // namespace

extern "C" {

vmem_t* vmem_xcreate(const char* name, void* base, size_t size, size_t quantum,
                     vmem_ximport_t* afunc, vmem_free_t* ffunc, vmem_t* source,
                     size_t qcache_max, int vmflag) {
  (void)ffunc;  // frees only what afunc imported
  (void)qcache_max;  // quantum caches off (sys/vmem.h)
  if (afunc || source)
    ks_not_modelled("vmem_create with an import source (afunc, source)");
  if (!quantum || !pow2(quantum))
    ks_panic("vmem_create(%s): quantum %lu is not a power of 2", name ? name : "NULL",
             static_cast<unsigned long>(quantum));
  auto* vm = static_cast<vmem_t*>(ks_kmem_alloc(sizeof(vmem_t), KS_KM_SLEEP | KS_KM_ZERO, kTag));
  std::strncpy(vm->name, name ? name : "", sizeof vm->name - 1);
  vm->magic = kVmemMagic;
  vm->cflags = vmflag;
  vm->quantum = quantum;
  if (base || size) vmem_add(vm, base, size, vmflag);
  return vm;
}

vmem_t* vmem_create(const char* name, void* base, size_t size, size_t quantum,
                    vmem_alloc_t* afunc, vmem_free_t* ffunc, vmem_t* source, size_t qcache_max,
                    int vmflag) {
  if (afunc || source)
    ks_not_modelled("vmem_create with an import source (afunc, source)");
  return vmem_xcreate(name, base, size, quantum, nullptr, ffunc, nullptr, qcache_max,
                      vmflag & ~(VMC_XALLOC | VMC_XALIGN));
}

void vmem_destroy(vmem_t* vm) {
  checked(vm, "vmem_destroy");
  if (vm->inuse)
    cmn_err(CE_WARN, "vmem_destroy('%s'): leaked %lu %s", vm->name,
            static_cast<unsigned long>(vm->inuse),
            (vm->cflags & VMC_IDENTIFIER) ? "identifiers" : "bytes");
  if (vm->segs) ks_kmem_free(vm->segs, sizeof(Seg) * vm->segcap, kTag);
  if (vm->spans) ks_kmem_free(vm->spans, sizeof(Span) * vm->spancap, kTag);
  vm->magic = 0;
  ks_kmem_free(vm, sizeof(vmem_t), kTag);
}

void* vmem_add(vmem_t* vm, void* vaddr, size_t size, int vmflag) {
  (void)vmflag;
  checked(vm, "vmem_add");
  uint64_t start = reinterpret_cast<uintptr_t>(vaddr), end = start + size;
  if (!vaddr || !size)
    ks_panic("vmem_add(%s, %p, %lu): bad arguments", vm->name, vaddr,
             static_cast<unsigned long>(size));
  if (end < start)
    ks_panic("vmem_add(%s, %p, %lu): the span wraps past the top of the address space",
             vm->name, vaddr, static_cast<unsigned long>(size));
  if ((start | end) & (vm->quantum - 1))
    ks_panic("vmem_span_create(%s, %p, %lu): misaligned", vm->name, vaddr,
             static_cast<unsigned long>(size));
  for (uint32_t i = 0; i < vm->nspan; i++)  // a DEBUG kernel's ASSERT(!vmem_contains)
    if (start < vm->spans[i].end && vm->spans[i].start < end)
      ks_panic("vmem_add(%s, %p, %lu): overlaps the arena's span [%#lx, %#lx)", vm->name, vaddr,
               static_cast<unsigned long>(size), static_cast<unsigned long>(vm->spans[i].start),
               static_cast<unsigned long>(vm->spans[i].end));
  grow(vm->spans, vm->nspan, vm->spancap);
  vm->spans[vm->nspan] = Span{start, end};
  Seg s{start, end, 0, 0, vm->nspan, VMEM_FREE};
  vm->nspan++;
  on_freelist(vm, s);
  insert_seg(vm, vm->nseg, s);
  vm->total += size;
  ks::km::illumos::arena_wake(vm->waitq);
  return vaddr;
}

void* vmem_xalloc(vmem_t* vm, size_t size, size_t align_arg, size_t phase, size_t nocross,
                  void* minaddr, void* maxaddr, int vmflag) {
  checked(vm, "vmem_xalloc");
  uint64_t align = align_arg ? align_arg : vm->quantum;
  uint64_t lo = reinterpret_cast<uintptr_t>(minaddr), hi = reinterpret_cast<uintptr_t>(maxaddr);
  auto bad = [&](const char* why) {
    ks_panic("vmem_xalloc(%s, %lu, %lu, %lu, %lu, %p, %p, %x): %s", vm->name,
             static_cast<unsigned long>(size), static_cast<unsigned long>(align_arg),
             static_cast<unsigned long>(phase), static_cast<unsigned long>(nocross), minaddr,
             maxaddr, vmflag, why);
  };
  if ((align | phase | nocross) & (vm->quantum - 1)) bad("parameters not vm_quantum aligned");
  if (nocross && (align > nocross || roundup(phase + size, align) > nocross))
    bad("overconstrained allocation");
  if (phase >= align || !pow2(align) || !pow2(nocross)) bad("parameters inconsistent or invalid");
  for (;;) {
    int from;
    if (pow2(size)) {
      from = size ? highbit(size) - 1 : 64;
    } else {
      from = highbit(size);
      if (lowest_list(vm, from) < 0 || (vmflag & (VM_BESTFIT | VM_FIRSTFIT))) from--;
    }
    int64_t best = -1;
    uint64_t addr = 0;
    int list = -1;
    for (uint32_t i : freelists_from(vm, from)) {
      const Seg& s = vm->segs[i];
      if (best >= 0 && list_of(s) != list) break;  // a larger list cannot fit better
      list = list_of(s);
      if (s.end - 1 < lo || s.start > hi - 1) continue;
      uint64_t start = std::max(s.start, lo), end = std::min(s.end - 1, hi - 1) + 1;
      uint64_t taddr = phase - ((phase - start) & -align);  // P2PHASEUP
      if (nocross && ((taddr ^ (taddr + size - 1)) > nocross - 1))
        taddr += roundup(-taddr & (nocross - 1), align);
      const Seg* b = best >= 0 ? &vm->segs[best] : nullptr;
      if ((taddr - start) + size > end - start ||
          (b && s.end - s.start >= b->end - b->start))
        continue;
      best = i;
      addr = taddr;
      if (!(vmflag & VM_BESTFIT) || s.end - s.start == size) break;
    }
    if (best >= 0) {
      const Seg& s = vm->segs[best];
      if (vmflag & VM_ENDALLOC) addr += ((s.end - (addr + size)) / align) * align;
      return seg_alloc(vm, uint32_t(best), addr, size);
    }
    if (!size) ks_panic("vmem_xalloc(%s): size == 0", vm->name);
    if (vmflag & (VM_ABORT | VM_NOSLEEP)) break;
    wait_for_space(vm, "vmem_xalloc");
  }
  if (vmflag & VM_PANIC) bad("cannot satisfy mandatory allocation");
  return nullptr;
}

void* vmem_alloc(vmem_t* vm, size_t size, int vmflag) {
  checked(vm, "vmem_alloc");
  if (vmflag & VM_NEXTFIT) return nextfit_alloc(vm, size, vmflag);
  if (vmflag & (VM_BESTFIT | VM_FIRSTFIT))
    return vmem_xalloc(vm, size, vm->quantum, 0, 0, nullptr, nullptr, vmflag);
  // Instant fit: the head of the lowest list certain to hold `size`.
  int list = -1;
  if (size && pow2(size))
    list = lowest_list(vm, highbit(size) - 1);
  else if (size && highbit(size) < 64)
    list = lowest_list(vm, highbit(size));
  if (list < 0) return vmem_xalloc(vm, size, vm->quantum, 0, 0, nullptr, nullptr, vmflag);
  int64_t head = -1;
  for (uint32_t i = 0; i < vm->nseg; i++) {
    const Seg& s = vm->segs[i];
    if (s.type == VMEM_FREE && list_of(s) == list && (head < 0 || s.seq > vm->segs[head].seq))
      head = i;
  }
  const Seg& s = vm->segs[head];
  uint64_t addr = s.start;
  if (vmflag & VM_ENDALLOC) addr = s.end - roundup(size, vm->quantum);
  return seg_alloc(vm, uint32_t(head), addr, size);
}

void vmem_xfree(vmem_t* vm, void* vaddr, size_t size) {
  checked(vm, "vmem_free");
  uint64_t addr = reinterpret_cast<uintptr_t>(vaddr);
  uint32_t i = 0;
  while (i < vm->nseg && !(vm->segs[i].type == VMEM_ALLOC && vm->segs[i].start == addr)) i++;
  if (i == vm->nseg)
    ks_panic("vmem_hash_delete('%s', %lx, %lu): bad free", vm->name,
             static_cast<unsigned long>(addr), static_cast<unsigned long>(size));
  if (vm->segs[i].size != size)
    ks_panic("vmem_hash_delete('%s', %lx, %lu): wrong size (expect %lu)", vm->name,
             static_cast<unsigned long>(addr), static_cast<unsigned long>(size),
             static_cast<unsigned long>(vm->segs[i].size));
  vm->inuse -= size;
  Seg* s = &vm->segs[i];
  if (i + 1 < vm->nseg && s[1].type == VMEM_FREE && s[1].span == s->span) {
    s->end = s[1].end;
    erase_seg(vm, i + 1);
  }
  if (i > 0 && s[-1].type == VMEM_FREE && s[-1].span == s->span) {
    s[-1].end = s->end;
    erase_seg(vm, i);
    i--;
  }
  on_freelist(vm, vm->segs[i]);
  ks::km::illumos::arena_wake(vm->waitq);
}

void vmem_free(vmem_t* vm, void* vaddr, size_t size) { vmem_xfree(vm, vaddr, size); }

int vmem_contains(vmem_t* vm, void* vaddr, size_t size) {
  checked(vm, "vmem_contains");
  uint64_t start = reinterpret_cast<uintptr_t>(vaddr), end = start + size;
  for (uint32_t i = 0; i < vm->nspan; i++)
    if (start >= vm->spans[i].start && end - 1 <= vm->spans[i].end - 1) return 1;
  return 0;
}

void vmem_walk(vmem_t* vm, int typemask, void (*func)(void*, void*, size_t), void* arg) {
  checked(vm, "vmem_walk");
  if (typemask & VMEM_WALKER) return;
  // A snapshot first: a VMEM_REENTRANT callback may change the arena.
  std::vector<std::pair<uint64_t, uint64_t>> v;
  uint32_t span = UINT32_MAX;
  for (uint32_t i = 0; i < vm->nseg; i++) {
    const Seg& s = vm->segs[i];
    if (s.span != span) {
      span = s.span;
      if (typemask & VMEM_SPAN)
        v.emplace_back(vm->spans[span].start, vm->spans[span].end - vm->spans[span].start);
    }
    if (s.type & typemask)
      v.emplace_back(s.start, s.type == VMEM_ALLOC ? s.size : s.end - s.start);
  }
  for (auto& [a, n] : v) func(arg, reinterpret_cast<void*>(static_cast<uintptr_t>(a)), n);
}

size_t vmem_size(vmem_t* vm, int typemask) {
  checked(vm, "vmem_size");
  uint64_t n = 0;
  if (typemask & VMEM_ALLOC) n += vm->inuse;
  if (typemask & VMEM_FREE) n += vm->total - vm->inuse;
  return n;
}

}  // extern "C"
