// The ThreadSanitizer entry points that instrumented driver code calls
// (compiled with -fsanitize=thread, linked without the TSan runtime): kernsim
// is the runtime. Loads and stores go to the World's happens-before
// detector (race.h); atomics do what they say, as synchronisation on their
// address (an atomic is never half of a race), since fibers of one World
// run one at a time. Outside a World, or when it does not detect races,
// every call costs a load and a branch.
#include <cstdint>

#include "kernel_model/race.h"
#include "sim/sim.h"

namespace {

using ks::km::World;

inline World* world() {
  ks::sim::Sim* s = ks::sim::Sim::current();
  return s ? static_cast<World*>(s->owner()) : nullptr;
}

inline void access(const void* addr, uint32_t size, bool write, const void* pc) {
  if (World* w = world()) ks::km::race_access(*w, addr, size, write, pc);
}

// memory orders, as the instrumentation passes them
enum : int { kRelaxed = 0, kConsume, kAcquire, kRelease, kAcqRel, kSeqCst };

inline void sync(const volatile void* a, int mo) {
  World* w = world();
  if (!w) return;
  uint64_t key = ks::km::kRaceKeyAddr | reinterpret_cast<uintptr_t>(a);
  mo &= 0xff;  // gcc may add hardware-elision bits above the order
  if (mo != kRelaxed && mo != kRelease) ks::km::race_acquire(*w, key);
  if (mo == kRelease || mo == kAcqRel || mo == kSeqCst) ks::km::race_release(*w, key);
}

}  // namespace

#define KS_EXPORT extern "C" __attribute__((visibility("default")))
#define KS_PC __builtin_return_address(0)

KS_EXPORT void __tsan_init() {}
KS_EXPORT void __tsan_func_entry(void*) {}
KS_EXPORT void __tsan_func_exit() {}
KS_EXPORT void __tsan_ignore_thread_begin() {}
KS_EXPORT void __tsan_ignore_thread_end() {}

#define KS_TSAN_ACCESS(n)                                                                \
  KS_EXPORT void __tsan_read##n(void* a) { access(a, n, false, KS_PC); }                 \
  KS_EXPORT void __tsan_write##n(void* a) { access(a, n, true, KS_PC); }                 \
  KS_EXPORT void __tsan_unaligned_read##n(void* a) { access(a, n, false, KS_PC); }       \
  KS_EXPORT void __tsan_unaligned_write##n(void* a) { access(a, n, true, KS_PC); }       \
  KS_EXPORT void __tsan_volatile_read##n(void* a) { access(a, n, false, KS_PC); }        \
  KS_EXPORT void __tsan_volatile_write##n(void* a) { access(a, n, true, KS_PC); }        \
  KS_EXPORT void __tsan_unaligned_volatile_read##n(void* a) { access(a, n, false, KS_PC); } \
  KS_EXPORT void __tsan_unaligned_volatile_write##n(void* a) { access(a, n, true, KS_PC); }
KS_TSAN_ACCESS(1)
KS_TSAN_ACCESS(2)
KS_TSAN_ACCESS(4)
KS_TSAN_ACCESS(8)
KS_TSAN_ACCESS(16)

KS_EXPORT void __tsan_read_range(void* a, unsigned long n) {
  access(a, static_cast<uint32_t>(n), false, KS_PC);
}
KS_EXPORT void __tsan_write_range(void* a, unsigned long n) {
  access(a, static_cast<uint32_t>(n), true, KS_PC);
}
KS_EXPORT void __tsan_vptr_update(void** vptr, void*) { access(vptr, 8, true, KS_PC); }
KS_EXPORT void __tsan_vptr_read(void** vptr) { access(vptr, 8, false, KS_PC); }

KS_EXPORT void __tsan_atomic_thread_fence(int) {}
KS_EXPORT void __tsan_atomic_signal_fence(int) {}

#define KS_TSAN_ATOMIC(bits, T)                                                               \
  KS_EXPORT T __tsan_atomic##bits##_load(const volatile T* a, int mo) {                       \
    sync(a, mo);                                                                              \
    return *a;                                                                                \
  }                                                                                           \
  KS_EXPORT void __tsan_atomic##bits##_store(volatile T* a, T v, int mo) {                    \
    *a = v;                                                                                   \
    sync(a, mo);                                                                              \
  }                                                                                           \
  KS_EXPORT T __tsan_atomic##bits##_exchange(volatile T* a, T v, int mo) {                    \
    T old = *a;                                                                               \
    *a = v;                                                                                   \
    sync(a, mo);                                                                              \
    return old;                                                                               \
  }                                                                                           \
  KS_TSAN_RMW(bits, T, fetch_add, old + v)                                                    \
  KS_TSAN_RMW(bits, T, fetch_sub, old - v)                                                    \
  KS_TSAN_RMW(bits, T, fetch_and, old & v)                                                    \
  KS_TSAN_RMW(bits, T, fetch_or, old | v)                                                     \
  KS_TSAN_RMW(bits, T, fetch_xor, old ^ v)                                                    \
  KS_TSAN_RMW(bits, T, fetch_nand, static_cast<T>(~(old & v)))                                \
  KS_EXPORT int __tsan_atomic##bits##_compare_exchange_strong(volatile T* a, T* c, T v, int mo, \
                                                              int fmo) {                      \
    bool ok = *a == *c;                                                                       \
    if (ok) *a = v; else *c = *a;                                                             \
    sync(a, ok ? mo : fmo);                                                                   \
    return ok;                                                                                \
  }                                                                                           \
  KS_EXPORT int __tsan_atomic##bits##_compare_exchange_weak(volatile T* a, T* c, T v, int mo, \
                                                            int fmo) {                        \
    return __tsan_atomic##bits##_compare_exchange_strong(a, c, v, mo, fmo);                   \
  }                                                                                           \
  KS_EXPORT T __tsan_atomic##bits##_compare_exchange_val(volatile T* a, T c, T v, int mo,     \
                                                         int fmo) {                           \
    T expect = c;                                                                             \
    __tsan_atomic##bits##_compare_exchange_strong(a, &expect, v, mo, fmo);                    \
    return expect;                                                                            \
  }
#define KS_TSAN_RMW(bits, T, op, expr)                                    \
  KS_EXPORT T __tsan_atomic##bits##_##op(volatile T* a, T v, int mo) {    \
    T old = *a;                                                           \
    *a = static_cast<T>(expr);                                            \
    sync(a, mo);                                                          \
    return old;                                                           \
  }
KS_TSAN_ATOMIC(8, uint8_t)
KS_TSAN_ATOMIC(16, uint16_t)
KS_TSAN_ATOMIC(32, uint32_t)
KS_TSAN_ATOMIC(64, uint64_t)
