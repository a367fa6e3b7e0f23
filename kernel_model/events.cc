#include "kernel_model/events.h"

namespace ks::km {

const char* const kEventNames[] = {
    "mutex_enter", "mutex_exit", "mutex_tryenter", "cv_wait", "cv_wait_sig",
    "cv_timedwait", "cv_signal", "cv_broadcast", "rw_enter", "rw_exit",
    "rw_tryenter", "sema_p", "sema_v", "taskq_dispatch", "taskq_wait",
    "taskq_exec", "kmem_alloc", "kmem_free", "copyin", "copyout",
    "delay", "timeout", "untimeout", "callout", "syscall",
    "syscall_exit", "preempt", "signal", "interrupted", "timedout",
    "user_mem", "vnode_io", "modload", "minor_node", "instance_state",
    "rw_tryupgrade", "rw_downgrade", "sema_tryp", "taskq_create", "taskq_destroy",
    "taskq_idle",
    "access",
    "MsgSend", "MsgSend/SEND-blocked", "MsgSend/REPLY-blocked", "MsgReceive",
    "MsgReceive/RECEIVE-blocked", "MsgReply", "MsgError", "MsgRead", "MsgWrite",
    "thread_pool_exit", "thread_pool_destroy", "thread_join", "taskq_suspend",
    "id_wait",
    "page_lock", "page_lock_wait",
};
static_assert(sizeof kEventNames / sizeof kEventNames[0] == kNumEventNames,
              "kEventNames must name every KEvent");

const char* event_kind_name(uint16_t kind) {
  if (const char* n = sim::sim_event_name(kind)) return n;
  if (size_t(kind) >= size_t(sim::kEvFirstKernel) && size_t(kind - sim::kEvFirstKernel) < kNumEventNames)
    return kEventNames[kind - sim::kEvFirstKernel];
  return "?";
}

}  // namespace ks::km
