// A kernel thread a driver starts that may end itself from any depth
// (FreeBSD kthread_exit, illumos thread_exit). Its fiber's entry is
// exitable_main, which keeps a jmp_buf on the thread's own stack: the exit
// jumps back to it, past only the driver's C frames (no C++ destructors to
// skip), and the entry returns as if fn had. The records live in the
// personality's World state (a deque: the fiber holds a pointer to its
// record), kept in a boot image as the personality's other records are.
#pragma once

#include <csetjmp>
#include <cstddef>
#include <cstdint>
#include <deque>

namespace ks::km {

struct ExitableThread {
  // illumos thread_create may copy its argument for the thread (len > 0):
  // the copy lives here, at an address the record keeps for the thread's life.
  static constexpr size_t kArgCopyMax = 256;
  void (*fn)(void*) = nullptr;
  void* arg = nullptr;
  alignas(16) unsigned char arg_copy[kArgCopyMax];
  uint32_t tid = 0;
  std::jmp_buf* exit_to = nullptr;  // on the thread's own stack while it runs
  bool exited = false;
  uint32_t joiners = 0;  // the wait queue of joins (an object id; 0 until one waits)
};

// Starts fn(arg) as a daemon kernel thread named `name`, its record
// appended to `list`; returns its thread id. With arg_len > 0 (at most
// kArgCopyMax), fn gets a copy of those bytes of arg, kept in the record.
uint32_t exitable_create(std::deque<ExitableThread>& list, const char* name, void (*fn)(void*),
                         void* arg, size_t arg_len = 0);
// Ends the calling thread if `list` started it; returns if not (the
// caller reports the misuse).
void exitable_exit(std::deque<ExitableThread>& list);
// Waits until the thread `tid` that `list` started has exited (illumos
// thread_join); at once if it has, or if `list` did not start it.
void exitable_join(std::deque<ExitableThread>& list, uint32_t tid);

}  // namespace ks::km
