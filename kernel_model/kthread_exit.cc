#include "kernel_model/kthread_exit.h"

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
}
}  // namespace

uint32_t exitable_create(std::deque<ExitableThread>& list, const char* name, void (*fn)(void*),
                         void* arg) {
  ExitableThread& k = list.emplace_back();
  k.fn = fn;
  k.arg = arg;
  k.tid = ks_kthread_create(name, exitable_main, &k, 1);
  return k.tid;
}

void exitable_exit(std::deque<ExitableThread>& list) {
  uint32_t me = World::current()->self_tid();
  for (ExitableThread& k : list)
    if (k.tid == me && k.exit_to) std::longjmp(*k.exit_to, 1);
}

}  // namespace ks::km
