#include "sim/fiber.h"

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace ks::sim {

static size_t page_size() {
  static const size_t ps = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return ps;
}

StackPool::StackPool(size_t stack_size) {
  size_t ps = page_size();
  stack_size_ = (stack_size + ps - 1) / ps * ps;
}

StackPool::~StackPool() {
  for (const Stack& s : all_) munmap(s.guard, s.size + page_size());
}

Stack StackPool::get() {
  if (!free_.empty()) {
    Stack s = free_.back();
    free_.pop_back();
    return s;
  }
  size_t ps = page_size();
  void* m = mmap(nullptr, stack_size_ + ps, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (m == MAP_FAILED) {
    std::perror("kernsim: mmap of a fiber stack");
    std::abort();
  }
  if (mprotect(m, ps, PROT_NONE) != 0) {
    std::perror("kernsim: mprotect of a stack guard page");
    std::abort();
  }
  Stack s;
  s.guard = static_cast<char*>(m);
  s.base = s.guard + ps;
  s.size = stack_size_;
  all_.push_back(s);
  return s;
}

#if KS_ASAN
namespace asan {

void host_stack(const void** bottom, size_t* size) {
  struct Bounds {
    const void* bottom = nullptr;
    size_t size = 0;
  };
  thread_local Bounds b = [] {
    Bounds r;
    pthread_attr_t a;
    void* addr = nullptr;
    size_t n = 0;
    if (pthread_getattr_np(pthread_self(), &a) == 0) {
      if (pthread_attr_getstack(&a, &addr, &n) == 0) {
        r.bottom = addr;
        r.size = n;
      }
      pthread_attr_destroy(&a);
    }
    return r;
  }();
  *bottom = b.bottom;
  *size = b.size;
}

}  // namespace asan
#endif

}  // namespace ks::sim
