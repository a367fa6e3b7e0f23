// An allocator that keeps freed blocks of its one type on a per-host-thread
// free list (bounded) for its next allocation: for small records made and
// dropped in every execution (an open file's), where a warm loop then
// allocates nothing. With std::allocate_shared the control block and the
// record come from it together.
#pragma once

#include <cstddef>
#include <new>
#include <vector>

namespace ks::km {

template <class T>
struct FreeListAlloc {
  using value_type = T;
  FreeListAlloc() = default;
  template <class U>
  FreeListAlloc(const FreeListAlloc<U>&) {}

  T* allocate(size_t n) {
    List& l = list();
    if (n == 1 && !gone() && !l.blocks.empty()) {
      void* p = l.blocks.back();
      l.blocks.pop_back();
      return static_cast<T*>(p);
    }
    return static_cast<T*>(::operator new(n * sizeof(T)));
  }
  void deallocate(T* p, size_t n) {
    if (n == 1 && !gone()) {
      List& l = list();
      if (l.blocks.size() < kMax) {
        l.blocks.push_back(p);
        return;
      }
    }
    ::operator delete(p);
  }
  template <class U>
  bool operator==(const FreeListAlloc<U>&) const { return true; }

 private:
  static constexpr size_t kMax = 64;
  struct List {
    std::vector<void*> blocks;
    ~List() {
      gone() = true;
      for (void* p : blocks) ::operator delete(p);
    }
  };
  // Set once the thread's list is destroyed: a block freed later (a World
  // destroyed at exit) goes back to the heap.
  // initial-exec: an open and its last release reach them, and in a
  // dlopen'ed module (the Python extension) a general-dynamic access is a
  // __tls_get_addr call.
  static bool& gone() {
    thread_local constinit bool g __attribute__((tls_model("initial-exec"))) = false;
    return g;
  }
  static List& list() {
    thread_local List l __attribute__((tls_model("initial-exec")));
    return l;
  }
};

}  // namespace ks::km
