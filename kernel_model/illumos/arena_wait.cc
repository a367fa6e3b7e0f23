#include "kernel_model/illumos/arena_wait.h"

#include "kernel_model/events.h"
#include "kernel_model/world.h"

namespace ks::km::illumos {

void arena_wait(uint32_t* waitq, const char* name, const char* op) {
  World& w = *World::current();
  if (!*waitq) *waitq = w.new_obj(kObjOther, w.sim().intern(name));
  w.assert_may_sleep(op, *waitq);
  w.wq_push(*waitq, w.self_tid());
  w.sim().block(kEvIdWait, *waitq);
}

void arena_wake(uint32_t waitq) {
  if (waitq) World::current()->wq_wake_all(waitq);
}

}  // namespace ks::km::illumos
