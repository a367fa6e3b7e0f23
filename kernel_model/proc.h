// Processes and their credentials, open files and signals. A user thread
// belongs to a process (KThread::proc); kernel threads have none.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernel_model/user_mem.h"
#include "sim/event.h"

namespace ks::km {

class World;
struct OpenFile;  // devsw.h

enum class DataModel : uint8_t { kLP64, kILP32 };

struct Cred {
  uint32_t uid = 0, gid = 0;
  bool privileged() const { return uid == 0; }
};

struct Proc {
  uint32_t pid;  // 1-based, creation order
  std::string name;
  Cred cred;
  DataModel model = DataModel::kLP64;
  AddressSpace as;
  std::vector<std::shared_ptr<OpenFile>> fds;  // index = fd; null = free
  sim::ObjId obj = 0;                          // for trace events
  int32_t cred_holds = 0;  // crhold references to `cred` not yet released
  // SIGKILL reached it (sys_kill): its threads make no further calls, and
  // the last of them to leave the kernel runs its exit (devsw_proc_exit).
  bool killed = false;
  bool exited = false;  // its exit ran: files closed, pages gone
  // Its exit runs mid-run on its last thread (proc_thread_killed), not at
  // the teardown: a QNX client's connections are then detached, no close
  // message sent (qnx/resmgr.cc).
  bool dies = false;
};

// The World's processes (component slot kSlotUser). Recycled
// (component_pool.h): a reset World's next processes are its last ones,
// emptied, their page maps and descriptor tables keeping their storage.
struct ProcTable {
  std::vector<std::unique_ptr<Proc>> procs;
  std::vector<std::unique_ptr<Proc>> spare;  // emptied, for proc_create
  bool cred_check = false;  // the leak check of credential holds is armed
  void recycle();
};

Proc& proc_create(World& w, const std::string& name, DataModel model, Cred cred);
Proc* proc_find(World& w, const std::string& name);
ProcTable& procs(World& w);
// The process of the current thread; a failure if a kernel thread asks.
Proc& curproc(World& w);
// The same without failing: null for a kernel thread or on the host.
Proc* curproc_or_null(World& w);
// The process whose memory a user copy (`op`: copyin, copyout ...) reaches:
// the calling thread's; in a kernel thread, which has none, a panic.
Proc& user_process(World& w, const char* op);
// Makes thread t a thread of process p.
void proc_attach(World& w, sim::Tid t, Proc& p);

// What a personality does when a process exits (FreeBSD: its process_exit
// event handlers), before the process's open files are closed. Registered
// once when the host starts; called for every exiting process.
using ProcExitHook = void (*)(World& w, Proc& p);
void register_proc_exit_hook(ProcExitHook hook);
void run_proc_exit_hooks(World& w, Proc& p);

// Posts signal `sig` (1..63) to thread t: pending until taken; a thread
// sleeping interruptibly (cv_wait_sig, sema_p_sig) wakes with EINTR.
void post_signal(World& w, sim::Tid t, int sig);
bool signal_pending(World& w, sim::Tid t);
void clear_signals(World& w, sim::Tid t);

}  // namespace ks::km
