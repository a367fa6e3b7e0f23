// Reader/writer locks. KObject::owner is the writer, KObject::readers the
// reader count, KObject::count the number of writers waiting, and for a
// recursable lock (FreeBSD's SX_RECURSE, RW_RECURSE) KObject::recursed the
// writer's extra exclusive enters. Readers are on
// their threads' held lists like any lock, so witness and hang analysis see
// them. A release wakes every waiter and each re-checks (no hand-off), which
// keeps barging interleavings in play as with mutexes.
#include "kernel_model/rwlock.h"

#include "kernel_model/race.h"

namespace ks::km {

namespace {

bool holds_as_reader(World& w, ObjId rw) {
  KThread& k = w.self();
  if (w.obj(rw).owner == w.self_tid()) return false;
  for (int i = 0; i < k.nheld; i++)
    if (k.held[i] == rw) return true;
  return false;
}

// Entering a lock the caller already holds would wait for itself.
void check_recursion(World& w, ObjId rw, bool write, const char* op) {
  Tid me = w.self_tid();
  const char* how = write ? "RW_WRITER" : "RW_READER";
  if (w.obj(rw).owner == me)
    w.misuse(std::string(op) + "(" + how + ") of rwlock " + w.name(rw) + " by thread " +
                 w.thread_name(me) + ", which already holds it as writer",
             std::string("recursive_enter:") + w.name(rw));
  if (write && holds_as_reader(w, rw))
    w.misuse(std::string(op) + "(RW_WRITER) of rwlock " + w.name(rw) + " by thread " +
                 w.thread_name(me) + ", which holds it as reader: it would wait for itself",
             std::string("recursive_enter:") + w.name(rw));
}

// A contended enter sleeps (sx) or blocks briefly (a turnstile).
void wait_check(World& w, ObjId rw) {
  if (__builtin_expect(w.obj(rw).wait_sleeps, 0)) w.assert_may_sleep("rw_enter", rw);
  else w.assert_may_block("rw_enter", rw);
}

}  // namespace

// Happens-before (race.h): a writer sees everything before its enter, the
// readers' releases too; a reader sees the writers' releases, not another
// reader's (two readers are not ordered by sharing the lock).
static void race_enter(World& w, ObjId rw, bool write) {
  race_acquire(w, rw);
  if (write) race_acquire(w, kRaceKeyRead | rw);
}

static void race_exit(World& w, ObjId rw, bool write) {
  race_release(w, write ? uint64_t(rw) : kRaceKeyRead | rw);
}

void rw_enter(World& w, ObjId rw, bool write, uintptr_t at) {
  w.sim().point(kEvRwEnter, rw, write);
  Tid me = w.self_tid();
  if (__builtin_expect(write && w.obj(rw).owner == me && w.obj(rw).recursable, 0)) {
    w.obj(rw).recursed++;
    return;
  }
  check_recursion(w, rw, write, "rw_enter");
  if (write) {
    w.obj(rw).count++;
    while (w.obj(rw).owner != 0 || w.obj(rw).readers != 0) {
      wait_check(w, rw);
      w.wq_push(rw, me);
      w.sim().block(kEvRwEnter, rw);
    }
    KObject& o = w.obj(rw);
    o.count--;
    o.owner = me;
  } else {
    while (w.obj(rw).owner != 0 || w.obj(rw).count != 0) {
      wait_check(w, rw);
      w.wq_push(rw, me);
      w.sim().block(kEvRwEnter, rw);
    }
    w.obj(rw).readers++;
  }
  w.witness_acquire(rw, at);
  race_enter(w, rw, write);
}

void rw_reenter_read(World& w, ObjId rw, uintptr_t at) {
  w.sim().point(kEvRwEnter, rw, false);
  w.obj(rw).readers++;  // no writer can own it: this thread reads it
  w.held_push(rw, at);
  race_enter(w, rw, false);
}

bool rw_tryenter(World& w, ObjId rw, bool write, uintptr_t at) {
  w.sim().point(kEvRwTryenter, rw, write);
  KObject& o = w.obj(rw);
  if (__builtin_expect(write && o.owner == w.self_tid() && o.recursable, 0)) {
    o.recursed++;
    return true;
  }
  check_recursion(w, rw, write, "rw_tryenter");
  bool ok = write ? (o.owner == 0 && o.readers == 0) : (o.owner == 0 && o.count == 0);
  if (!ok) {
    w.sim().emit(kEvRwTryenter, rw, write, 0, 0);
    return false;
  }
  if (write) o.owner = w.self_tid(); else o.readers++;
  w.held_push(rw, at);  // a try cannot deadlock: no order edge
  race_enter(w, rw, write);
  return true;
}

void rw_exit(World& w, ObjId rw) {
  w.sim().point(kEvRwExit, rw);
  KObject& o = w.obj(rw);
  Tid me = w.self_tid();
  if (o.owner == me && o.recursed) {  // one exclusive enter undone
    o.recursed--;
    return;
  }
  if (o.owner == me) {
    o.owner = 0;
    race_exit(w, rw, true);
  } else if (holds_as_reader(w, rw)) {
    o.readers--;
    race_exit(w, rw, false);
  } else {
    std::string why = o.owner ? std::string(", but thread ") + w.thread_name(o.owner) +
                                    " holds it as writer"
                      : o.readers ? ", which holds it neither as reader nor as writer (" +
                                        std::to_string(o.readers) + " other reader(s) hold it)"
                                  : ", but it is not held";
    w.misuse("rw_exit of rwlock " + std::string(w.name(rw)) + " by thread " +
                 w.thread_name(me) + why,
             std::string(o.owner || o.readers ? "exit_not_owner:" : "exit_unheld:") +
                 w.name(rw));
  }
  w.held_pop(rw);
  if (o.owner == 0 && o.readers == 0) w.wq_wake_all(rw);
}

bool rw_tryupgrade(World& w, ObjId rw) {
  w.sim().point(kEvRwTryupgrade, rw);
  Tid me = w.self_tid();
  if (!holds_as_reader(w, rw))
    w.misuse("rw_tryupgrade of rwlock " + std::string(w.name(rw)) + " by thread " +
                 w.thread_name(me) + ", which does not hold it as reader",
             std::string("upgrade_unheld:") + w.name(rw));
  KObject& o = w.obj(rw);
  if (o.readers != 1 || o.count != 0) {
    w.sim().emit(kEvRwTryupgrade, rw, 0, 0, 0);
    return false;
  }
  o.readers = 0;
  o.owner = me;
  race_enter(w, rw, true);
  return true;
}

void rw_downgrade(World& w, ObjId rw) {
  w.sim().point(kEvRwDowngrade, rw);
  KObject& o = w.obj(rw);
  Tid me = w.self_tid();
  if (o.owner != me)
    w.misuse("rw_downgrade of rwlock " + std::string(w.name(rw)) + " by thread " +
                 w.thread_name(me) + ", which does not hold it as writer",
             std::string("downgrade_unheld:") + w.name(rw));
  // Other readers would hold it shared while the writer still counts
  // exclusive enters (FreeBSD asserts it not recursed).
  if (o.recursed)
    w.misuse("rw_downgrade of rwlock " + std::string(w.name(rw)) + " by thread " +
                 w.thread_name(me) + ", which holds it recursed",
             std::string("downgrade_recursed:") + w.name(rw));
  race_exit(w, rw, true);  // the readers that follow see the writer
  o.owner = 0;
  o.readers = 1;
  // Waiting readers may now join; waiting writers re-check and sleep again.
  w.wq_wake_all(rw);
}

void rw_destroy(World& w, ObjId rw) {
  KObject& o = w.obj(rw);
  if (o.owner || o.readers)
    w.misuse("rw_destroy of rwlock " + std::string(w.name(rw)) + " while " +
                 (o.owner ? std::string("thread ") + w.thread_name(o.owner) + " holds it as writer"
                          : std::to_string(o.readers) + " reader(s) hold it"),
             std::string("destroy_held:") + w.name(rw));
  if (o.wq_head)
    w.misuse("rw_destroy of rwlock " + std::string(w.name(rw)) + " while thread " +
                 w.thread_name(o.wq_head) + " waits for it",
             std::string("destroy_waited:") + w.name(rw));
  o.destroyed = true;
}

bool rw_write_held(World& w, ObjId rw) { return w.obj(rw).owner == w.self_tid(); }
bool rw_read_held(World& w, ObjId rw) { return w.obj(rw).readers != 0; }
bool rw_recursed(World& w, ObjId rw) {
  return w.obj(rw).owner == w.self_tid() && w.obj(rw).recursed > 0;
}

}  // namespace ks::km
