// Fibers for simulated threads: Boost.Context's fcontext on pooled stacks.
//
// We use boost::context::detail::{make,jump}_fcontext rather than
// boost::context::fiber on purpose. A fiber object unwinds its stack when it
// is destroyed while suspended (microseconds, and it runs destructors in the
// driver's frames); executions that end stuck or failed leave threads
// suspended by the dozen, and we must abandon them for free. A bare fcontext
// is a pointer into the stack: dropping it costs nothing, and the stack goes
// back to the pool to be reused by the next execution.
#pragma once

#include <boost/context/detail/fcontext.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/asan_fiber.h"

namespace ks::sim {

namespace bctx = boost::context::detail;

// One fiber stack: [guard, guard + page) is PROT_NONE, usable memory above it.
struct Stack {
  char* guard = nullptr;  // lowest address of the guard page
  char* base = nullptr;   // lowest usable address
  size_t size = 0;        // usable bytes
  char* top() const { return base + size; }
  bool in_guard(uintptr_t a) const {
    return a >= reinterpret_cast<uintptr_t>(guard) &&
           a < reinterpret_cast<uintptr_t>(base);
  }
};

// Stacks are mapped once and reused for the life of the pool; a pool belongs
// to whoever runs executions one after another on one host thread.
class StackPool {
 public:
  explicit StackPool(size_t stack_size = 256 * 1024);
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  Stack get();
  void put(const Stack& s) {
    asan::unpoison(s.base, s.size);  // ASan builds: an abandoned fiber's redzones
    free_.push_back(s);
  }
  size_t stack_size() const { return stack_size_; }

 private:
  size_t stack_size_;
  std::vector<Stack> free_;
  std::vector<Stack> all_;
};

// A saved execution context: the main (host) context or a fiber.
struct Context {
  bctx::fcontext_t fctx = nullptr;
#if KS_ASAN
  void* asan_fake = nullptr;  // ASan's fake-stack save while switched away
#endif
};

// ASan's view of the switches (sim/asan_fiber.h); empty without ASan.
// `from` null: the context being left never resumes.
inline void asan_leave(Context* from, const Stack& to) {
#if KS_ASAN
  asan::leave(from ? &from->asan_fake : nullptr, to.base, to.size);
#endif
}
inline void asan_leave_for_host(Context* from) {
#if KS_ASAN
  asan::leave_for_host(from ? &from->asan_fake : nullptr);
#endif
}
inline void asan_arrive(Context* self) {
#if KS_ASAN
  asan::arrive(self ? self->asan_fake : nullptr);
#endif
}

}  // namespace ks::sim
