// The FreeBSD personality's per-World state (component slot kSlotFreebsd):
// its device major and cdev records (cdev.cc), its kernel threads
// (kthread.cc). Records live in deques so the driver's pointers to them
// stay put; they are found by scanning in creation order, never by address.
#pragma once

#include <csetjmp>
#include <cstdint>
#include <deque>

struct ks_fb_cdev;

namespace ks::km {
class World;
}

namespace ks::km::freebsd {

struct FbKthread {
  void (*fn)(void*) = nullptr;
  void* arg = nullptr;
  uint32_t tid = 0;
  std::jmp_buf* exit_to = nullptr;  // on the thread's own stack while it runs
};

struct FbState {
  uint32_t major = 0;
  uint32_t next_minor = 0;
  std::deque<ks_fb_cdev> cdevs;
  std::deque<FbKthread> kthreads;
};

FbState& state(World& w);

}  // namespace ks::km::freebsd
