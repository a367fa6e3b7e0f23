// mtx_pool(9), kern_mtxpool.c (read): a power-of-two array of mutexes made
// with mtx_init; mtx_pool_find picks one by a Fibonacci hash of the
// pointer (multiply by 2^64 / golden ratio, keep the top bits), so two
// pointers may share one; mtx_pool_alloc hands them out round robin;
// mtxpool_sleep is the kernel's pool of 128 MTX_DEF mutexes.
//
// The hash is of the pointer as it is in every run of a repro, not of the
// host address: kmem's address is its offset in the World's arena slot
// (the slot, hence the host address, depends on how many Worlds are
// alive), a driver's static data is its offset in the module file's image
// (the load address moves with ASLR), both put above a fixed kernel-like
// base; an address below 4 GiB (a user address, a small integer cast to a
// pointer) is taken as it is. Anything else (a thread's stack, the host's
// heap) has no such stable value and ends the run as not modelled rather
// than as one whose locking could change between replays.
#include <dlfcn.h>

#include <cstdint>
#include <cstdio>

#include "kernel_model/freebsd/state.h"
#include "kernel_model/kmem.h"
#include "kernel_model/kmem_arena.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/mutex.h>
#include <sys/systm.h>
}

#undef printf
#undef panic

using ks::km::World;
using ks::km::freebsd::as_mtx;
using ks::km::freebsd::KernelMtx;

// A pool the driver makes is kmem, tag "mtx_pool" (a pool never destroyed
// is a leak, as the driver's malloc(M_MTXPOOL) is on FreeBSD), its
// mutexes right after the header.

namespace {

constexpr uint64_t kHashMultiplier = 11400714819323198485ull;  // 2^64 / golden ratio
constexpr uint64_t kKmemKva = 0xfffffe0000000000ull;    // where kmem offsets start
constexpr uint64_t kModuleKva = 0xffffffff80000000ull;  // where module offsets start

uint64_t stable_address(void* ptr) {
  World& w = *World::current();
  uintptr_t p = reinterpret_cast<uintptr_t>(ptr);
  if (p < (uint64_t(1) << 32)) return p;
  const char* base = w.kmem().base;
  if (base && p >= uintptr_t(base) && p < uintptr_t(base) + ks::km::kKmemSlotSize)
    return kKmemKva + (p - uintptr_t(base));
  Dl_info info{};
  if (dladdr(ptr, &info) && info.dli_fbase)
    return kModuleKva + (p - reinterpret_cast<uintptr_t>(info.dli_fbase));
  ks_not_modelled("mtx_pool_find of a pointer outside kmem and the modules' images");
}

void init_pool(struct mtx_pool* pool, struct mtx* ary, const char* name, int size, int opts) {
  pool->size = size;
  pool->mask = size - 1;
  int bits = 0;
  while (!((1 << bits) & size)) bits++;
  pool->shift = 64 - bits;
  pool->next = 0;
  pool->ary = ary;
  for (int i = 0; i < size; i++) ks_fb_mtx_init(&ary[i], name, opts, "mtx_pool");
}

}  // namespace

extern "C" {

struct mtx_pool* mtx_pool_create(const char* name, int size, int opts) {
  if (size <= 0 || (size & (size - 1))) {
    ks_fb_printf("WARNING: %s pool size is not a power of 2.\n", name);
    size = 128;
  }
  auto* pool = static_cast<struct mtx_pool*>(
      ks_kmem_alloc(sizeof(struct mtx_pool) + size_t(size) * sizeof(struct mtx),
                    KS_KM_SLEEP | KS_KM_ZERO, "mtx_pool"));
  init_pool(pool, reinterpret_cast<struct mtx*>(pool + 1), name, size, opts);
  return pool;
}

void mtx_pool_destroy(struct mtx_pool** poolp) {
  struct mtx_pool* pool = *poolp;
  if (pool == ks_fb_mtxpool_sleep())
    ks_panic("mtx_pool_destroy of mtxpool_sleep, the kernel's own pool");
  for (int i = pool->size - 1; i >= 0; i--) ks_fb_mtx_destroy(&pool->ary[i], "mtx_pool");
  ks_kmem_free(pool, sizeof(struct mtx_pool) + size_t(pool->size) * sizeof(struct mtx),
               "mtx_pool_destroy");
  *poolp = nullptr;
}

struct mtx* mtx_pool_find(struct mtx_pool* pool, void* ptr) {
  if (!pool) ks_panic("_mtx_pool_find(): null pool");
  uint64_t h = (kHashMultiplier * stable_address(ptr)) >> pool->shift;
  return &pool->ary[h & uint64_t(pool->mask)];
}

// Unlocked in kern_mtxpool.c too: a race on `next` only hands two callers
// one mutex, which any pool may do.
struct mtx* mtx_pool_alloc(struct mtx_pool* pool) {
  if (!pool) ks_panic("mtx_pool_alloc(): null pool");
  int i = pool->next;
  pool->next = (i + 1) & pool->mask;
  return &pool->ary[i];
}

// The World's mtxpool_sleep, made at its first use (FreeBSD makes it at
// SI_SUB_MTX_POOL_DYNAMIC): kept in the personality's state, not kmem,
// so it is no leak and a boot image restores it in place.
struct mtx_pool* ks_fb_mtxpool_sleep(void) {
  auto& st = ks::km::freebsd::state(*World::current());
  if (st.sleep_pool.empty()) {
    ks::km::freebsd::SleepPool& sp = st.sleep_pool.emplace_back();
    init_pool(&sp.pool, as_mtx(sp.mtx[0]), "sleep mtxpool", ks::km::freebsd::kSleepPoolSize,
              MTX_DEF);
  }
  return &st.sleep_pool[0].pool;
}

}  // extern "C"
