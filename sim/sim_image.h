// The Sim's half of a boot image (sim.h, Sim::save_image).
#pragma once

#include <string>
#include <vector>

#include "sim/sim.h"

namespace ks::sim {

struct Sim::Image {
  std::vector<Thread> threads;
  std::vector<std::string> stack_bytes;  // [fctx, top) of each live thread
  // The stacks the boot used (Sim::stacks_own_'s numbers 0 .. nstacks-1)
  // and which of them its exited threads left free, in order: a restored
  // execution's spawns take the stacks the booting one's would.
  std::vector<uint32_t> free_stacks;
  uint32_t nstacks = 0;
  std::vector<uint64_t> runnable;
  std::vector<Object> objects;
  size_t nnames = 0;
  uint64_t step = 0, hash = 0, now = 0, timer_seq = 0, clock_step = 0;
  uint32_t preemptions = 0;
  std::vector<Timer> timers;
  bool resume_cur = false;
  Tid req_tid = 0;
  int req_code = 0;
  void* req_data = nullptr;
  bool fixed = false;
};

}  // namespace ks::sim
