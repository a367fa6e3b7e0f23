// A pool of server threads, the generic half of a message-passing server
// (QNX's thread_pool_*): each thread allocates its context, then loops
// blocking for work (a MsgReceive) and handling it. The pool keeps at least
// lo_water threads blocked while it may grow: when a thread takes work and
// fewer than lo_water are left blocked, it starts `increment` more, never
// more than `maximum` in all; a thread done with its work leaves when
// hi_water others are already blocked. Threads are daemon kernel threads
// named "<pool>/<n>"; destroying the pool unblocks them and waits until
// every one has left.
#pragma once

#include <cstdint>

#include "kernel_model/world.h"

namespace ks::km {

struct PoolAttr {
  int lo_water = 1;
  int increment = 1;
  int hi_water = 1;
  int maximum = 1;
};

struct PoolOps {
  void* handle = nullptr;
  void* (*context_alloc)(void* handle) = nullptr;
  void (*context_free)(void* ctx) = nullptr;
  // Blocks for work; null: leave (the channel is gone).
  void* (*block)(void* ctx) = nullptr;
  void (*handler)(void* ctx) = nullptr;
  // Wakes every thread blocked in `block` for good (at destroy).
  void (*unblock)(void* handle) = nullptr;
};

// Returns the pool's id (> 0). Bad water marks (lo > hi, hi > maximum,
// maximum < 1, increment < 1) are refused: 0.
uint32_t pool_create(World& w, const char* name, const PoolAttr& attr, const PoolOps& ops);
// Starts lo_water threads (at least one).
void pool_start(World& w, uint32_t pool);
// Unblocks the threads and waits until all have left. A handler that never
// returns keeps the caller waiting: a hang the report names.
void pool_destroy(World& w, uint32_t pool);
// Threads alive now, and the most there ever were (for tests).
int pool_threads(World& w, uint32_t pool);
int pool_peak(World& w, uint32_t pool);

}  // namespace ks::km
