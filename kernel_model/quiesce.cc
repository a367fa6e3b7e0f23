// What a hang is: nothing can run and a non-daemon thread still sleeps. A
// wait-for cycle through lock owners is a deadlock; anything else is stuck,
// and the report says what each sleeper waits on and what last woke that
// object, because "the wakeup came before the wait" is the usual story.
#include <algorithm>
#include <string>
#include <vector>

#include "kernel_model/callout.h"
#include "kernel_model/world.h"

namespace ks::km {

std::vector<World::WaitDescriber>& wait_describers();  // components.cc

namespace {
bool is_lock_wait(uint16_t k) {
  return k == kEvMutexEnter || k == kEvRwEnter || k == kEvCvWait || k == kEvCvWaitSig ||
         k == kEvCvTimedwait;
}
}  // namespace

void World::analyze_hang() {
  std::vector<Tid> sleepers;
  for (size_t i = 1; i <= sim_.nthreads(); i++) {
    const sim::Thread* t = sim_.thread(static_cast<Tid>(i));
    if (t->state == sim::ThreadState::kBlocked && !t->daemon) sleepers.push_back(t->tid);
  }

  // Deadlock: follow "waits for a lock owned by" edges.
  auto lock_owner = [&](Tid t) -> Tid {
    const sim::Thread* th = sim_.thread(t);
    if (th->state != sim::ThreadState::kBlocked) return 0;
    // Lock waits, and untimeout waiting for a running callout (whose object
    // names the callout's thread as owner while it runs).
    if (th->wait_kind != kEvMutexEnter && th->wait_kind != kEvRwEnter &&
        th->wait_kind != kEvUntimeout)
      return 0;
    const KObject& o = obj(th->wait_obj);
    if (o.owner) return o.owner;
    if (o.kind == kObjRwlock && o.readers) {
      // A reader that sleeps: any blocked reader-holder closes the cycle.
      for (size_t i = 1; i <= sim_.nthreads(); i++) {
        KThread& k = kt(static_cast<Tid>(i));
        for (int j = 0; j < k.nheld; j++)
          if (k.held[j] == th->wait_obj && i != t) return static_cast<Tid>(i);
      }
    }
    return 0;
  };
  for (Tid start : sleepers) {
    std::vector<Tid> path{start};
    Tid cur = start;
    for (size_t hops = 0; hops <= sim_.nthreads(); hops++) {
      Tid next = lock_owner(cur);
      if (!next) break;
      auto it = std::find(path.begin(), path.end(), next);
      if (it != path.end()) {
        std::vector<Tid> cycle(it, path.end());
        std::string msg = "deadlock:";
        std::vector<std::string> locks;
        for (Tid t : cycle) {
          const sim::Thread* th = sim_.thread(t);
          Tid owner = lock_owner(t);
          msg += std::string("\n  thread ") + th->name + " waits for " +
                 kind_name(obj(th->wait_obj).kind) + " " + name(th->wait_obj) +
                 " (since step " + std::to_string(th->wait_step) + "), held by " +
                 thread_name(owner);
          locks.push_back(name(th->wait_obj));
        }
        std::sort(locks.begin(), locks.end());
        std::string sig = "deadlock";
        for (auto& l : locks) sig += ":" + l;
        sim_.set_failure(sim::FailureKind::kDeadlock, msg, sig, start);
        return;
      }
      path.push_back(next);
      cur = next;
    }
  }

  // Stuck.
  std::string msg = "stuck: no thread can run, and these sleep forever:";
  std::string sig;
  for (Tid t : sleepers) {
    const sim::Thread* th = sim_.thread(t);
    std::string line, osig;
    bool described = false;
    for (WaitDescriber d : wait_describers())
      if ((described = d(*this, t, th->wait_obj, &line, &osig))) break;
    if (described) {
      msg += std::string("\n  thread ") + th->name + " " + line;
      if (sig.empty()) sig = osig;
      continue;
    }
    const KObject& o = obj(th->wait_obj);
    std::string oname = name(th->wait_obj);
    msg += std::string("\n  thread ") + th->name + " sleeps in " +
           sim_.event_name(th->wait_kind) + " on " + kind_name(o.kind) + " " + oname +
           " since step " + std::to_string(th->wait_step);
    if (is_lock_wait(th->wait_kind) && o.owner)
      msg += std::string(", held by ") + thread_name(o.owner) +
             (sim_.thread(o.owner)->state == sim::ThreadState::kDone ? " (which has exited)" : "");
    if (o.last_waker) {
      msg += std::string("; the last ") + sim_.event_name(o.last_wake_kind) + " on " + oname +
             " was by " + thread_name(o.last_waker) + " at step " +
             std::to_string(o.last_wake_step);
      if (o.last_wake_step < th->wait_step && o.kind != kObjSema)  // posts are counted, not lost
        msg += o.last_wake_sleepers == 0
                   ? ", when no thread slept on it: the wakeup came before the wait"
                   : ", before this thread went to sleep";
    } else if (o.kind == kObjCondvar || o.kind == kObjSema) {
      msg += "; nothing ever woke it";
    }
    if (sig.empty())
      sig = std::string("stuck:") + sim_.event_name(th->wait_kind) + ":" + oname;
  }
  msg += callout_hung_note(*this);
  sim_.set_failure(sim::FailureKind::kStuck, msg, sig, sleepers.front());
}

bool World::wq_remove(ObjId o, Tid t) {
  KObject& ob = obj(o);
  Tid prev = 0;
  for (Tid c = ob.wq_head; c; prev = c, c = kt(c).next_waiter) {
    if (c != t) continue;
    Tid nx = kt(c).next_waiter;
    if (prev) kt(prev).next_waiter = nx; else ob.wq_head = nx;
    if (ob.wq_tail == c) ob.wq_tail = prev;
    kt(c).queued = false;
    kt(c).waiting_on = 0;
    return true;
  }
  return false;
}

}  // namespace ks::km
