#include "kernel_model/kthread_exit.h"

#include <cstring>

#include "kernel_model/race.h"
#include "kernel_model/world.h"
#include "kernsim/abi.h"

namespace ks::km {

namespace {
void exitable_main(void* p) {
  auto* k = static_cast<ExitableThread*>(p);
  std::jmp_buf jb;
  k->exit_to = &jb;
  if (setjmp(jb) == 0) k->fn(k->arg);
  k->exit_to = nullptr;
  k->exited = true;
  World& w = *World::current();
  if (race_on(w)) race_release(w, kRaceKeyExit | k->tid);  // what it did, before a join
  // No scheduling point from here to the fiber's end: a joiner woken now
  // runs only once this thread is gone.
  if (k->joiners)
    w.wq_wake_all(k->joiners);
}
}  // namespace

uint32_t exitable_create(std::deque<ExitableThread>& list, const char* name, void (*fn)(void*),
                         void* arg, size_t arg_len) {
  ExitableThread& k = list.emplace_back();
  k.fn = fn;
  k.arg = arg;
  if (arg_len) {
    std::memcpy(k.arg_copy, arg, arg_len);
    k.arg = k.arg_copy;
  }
  k.tid = ks_kthread_create(name, exitable_main, &k, 1);
  World::current()->kt(k.tid).driver_fn = reinterpret_cast<const void*>(fn);
  return k.tid;
}

void exitable_exit(std::deque<ExitableThread>& list) {
  uint32_t me = World::current()->self_tid();
  for (ExitableThread& k : list)
    if (k.tid == me && k.exit_to) std::longjmp(*k.exit_to, 1);
}

void exitable_join(std::deque<ExitableThread>& list, uint32_t tid) {
  World& w = *World::current();
  w.sim().point(kEvThreadJoin, 0, tid);
  for (ExitableThread& k : list) {
    if (k.tid != tid) continue;
    w.assert_may_sleep("thread_join", 0);
    if (!k.exited && !k.joiners) k.joiners = w.new_obj(kObjOther, "thread_join");
    while (!k.exited) {
      w.wq_push(k.joiners, w.self_tid());
      w.sim().block(kEvThreadJoin, k.joiners);
    }
    if (race_on(w)) race_acquire(w, kRaceKeyExit | tid);
    return;
  }
}

}  // namespace ks::km
