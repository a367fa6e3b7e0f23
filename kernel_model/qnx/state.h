// The QNX personality's per-World records: each dispatch (its channel and
// the resource managers attached to it) and each attach (its path, function
// tables and the OCBs bound to its clients' connections). Records live in
// deques, so a pointer the driver holds stays valid for the World's life.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include "kernel_model/det_random.h"
#include "kernel_model/devsw.h"
#include "kernel_model/kthread_exit.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/dispatch.h>
#include <sys/iofunc.h>
}

struct _dispatch {
  ks::km::World* w = nullptr;
  uint32_t chid = 0;
  bool destroyed = false;
};

struct _thread_pool {
  ks::km::World* w = nullptr;
  uint32_t id = 0;  // the kernel model's pool
  dispatch_t* dpp = nullptr;
  thread_pool_attr_t attr;
};

namespace ks::km::qnx {

// One resmgr_attach: the node /dev/... whose DevOps send the messages.
struct Attach {
  World* w = nullptr;
  int id = 0;
  dispatch_t* dpp = nullptr;
  std::string path;
  const resmgr_connect_funcs_t* connect = nullptr;
  const resmgr_io_funcs_t* io = nullptr;
  iofunc_attr_t* handle = nullptr;
  unsigned msg_max_size = 0;
  unsigned nparts_max = 1;
  DevNode* node = nullptr;
  bool detached = false;
  std::map<uint32_t, iofunc_ocb_t*> ocbs;  // by the client's connection
  // Handlers that found a connection's OCB and have not finished (by
  // connection), and the OCBs whose close_ocb waits for them: a close
  // never frees an OCB another thread's message is still handled on.
  std::map<uint32_t, int> inflight;
  std::map<uint32_t, iofunc_ocb_t*> close_pending;
};

// A thread the resource manager started (pthread_create).
struct Pthread {
  void* (*start)(void*) = nullptr;
  void* arg = nullptr;
  void* value = nullptr;  // start's return, or pthread_exit's
  uint32_t tid = 0;
  bool joined = false;
};

struct QnxState {
  std::deque<_dispatch> dispatches;
  std::deque<_thread_pool> pools;
  std::deque<Attach> attaches;
  std::deque<Pthread> pthreads;
  std::deque<ExitableThread> threads;  // the pthreads' fibers point in
  std::map<uint32_t, int> attach_of_coid;  // connection -> attach id
  uint32_t major = 0;
  uint64_t rng = kDetRandomSeed;  // rand(3) & co. (qnx/stdlib.h, det_random.h)
};

QnxState& state(World& w);
Attach* attach_of(World& w, int id);

}  // namespace ks::km::qnx
