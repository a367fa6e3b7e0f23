// The thread pool of msg_server.h. Thread ids and names come in creation
// order, so growth under load is replayed exactly.
#include "kernel_model/msg_server.h"


#include <deque>
#include <memory>
#include <string>

#include "kernel_model/boot_image.h"
#include "kernel_model/kobject.h"

namespace ks::km {

namespace {

struct Pool {
  World* w;
  const char* name;
  PoolAttr attr;
  PoolOps ops;
  ObjId obj;          // pool_destroy waits here
  int live = 0;       // threads started, not yet left
  int blocked = 0;    // threads inside ops.block
  int peak = 0;
  int started = 0;    // for names
  bool stopping = false;
};

struct PoolTable {
  std::deque<Pool> pools;
};

const int kPoolSlot = World::new_component_slot();

// A pool's threads hold its record: restored in place.
[[maybe_unused]] const bool image_hook =
    (World::set_component_image(kPoolSlot, records_image<PoolTable, &PoolTable::pools>()), true);

PoolTable& table(World& w) {
  auto& slot = w.component(kPoolSlot);
  if (!slot) {
    slot = std::make_shared<PoolTable>();
    w.on_final_check([&w] {
      for (Pool& p : static_cast<PoolTable*>(w.component(kPoolSlot).get())->pools) {
        if (p.stopping) continue;
        w.set_failure(sim::FailureKind::kTeardown,
                      std::string("thread pool ") + p.name + " was never destroyed (" +
                          std::to_string(p.live) + " threads left)",
                      std::string("thread_pool_left:") + p.name);
        return;
      }
    });
  }
  return *static_cast<PoolTable*>(slot.get());
}

Pool* pool(World& w, uint32_t id) {
  PoolTable& t = table(w);
  return id && id <= t.pools.size() ? &t.pools[id - 1] : nullptr;
}

void thread_main(void* arg);

void start_threads(Pool& p, int n) {
  for (int i = 0; i < n && p.live < p.attr.maximum; i++) {
    const char* tn = p.w->sim().intern(std::string(p.name) + "/" + std::to_string(p.started++));
    p.live++;
    if (p.live > p.peak) p.peak = p.live;
    p.w->spawn(tn, thread_main, &p, /*daemon=*/true);
  }
}

void thread_main(void* arg) {
  Pool& p = *static_cast<Pool*>(arg);
  World& w = *p.w;
  void* ctx = p.ops.context_alloc(p.ops.handle);
  while (!p.stopping) {
    p.blocked++;
    void* got = p.ops.block(ctx);
    p.blocked--;
    if (!got || p.stopping) break;
    if (p.blocked < p.attr.lo_water) start_threads(p, p.attr.increment);
    p.ops.handler(ctx);
    KThread& k = w.self();
    if (k.nheld)
      w.misuse(std::string("a handler of thread pool ") + p.name + " returned holding " +
                   kind_name(w.obj(k.held[k.nheld - 1]).kind) + " " +
                   w.name(k.held[k.nheld - 1]) + " (thread " + w.thread_name(w.self_tid()) + ")",
               std::string("handler_returned_holding:") + w.name(k.held[k.nheld - 1]));
    if (p.blocked >= p.attr.hi_water) {
      w.sim().emit(kEvPoolIdle, p.obj, static_cast<uint64_t>(p.blocked));
      break;
    }
  }
  p.ops.context_free(ctx);
  p.live--;
  if (p.live == 0)
    w.wq_wake_all(p.obj);
}

}  // namespace

uint32_t pool_create(World& w, const char* name, const PoolAttr& a, const PoolOps& ops) {
  if (a.maximum < 1 || a.increment < 1 || a.lo_water < 0 || a.lo_water > a.hi_water ||
      a.hi_water > a.maximum || !ops.context_alloc || !ops.context_free || !ops.block ||
      !ops.handler)
    return 0;
  PoolTable& t = table(w);
  Pool& p = t.pools.emplace_back();
  p.w = &w;
  p.name = w.sim().intern(name && *name ? name : "thread_pool");
  p.attr = a;
  p.ops = ops;
  p.obj = w.new_obj(kObjPool, p.name);
  return static_cast<uint32_t>(t.pools.size());
}

void pool_start(World& w, uint32_t id) {
  Pool* p = pool(w, id);
  if (!p || p->started) return;
  start_threads(*p, p->attr.lo_water > 0 ? p->attr.lo_water : 1);
}

void pool_destroy(World& w, uint32_t id) {
  Pool* p = pool(w, id);
  if (!p || p->stopping) return;
  w.sim().point(kEvPoolDestroy, p->obj);
  p->stopping = true;
  if (p->ops.unblock) p->ops.unblock(p->ops.handle);
  while (p->live) {
    w.assert_may_sleep("thread_pool_destroy", p->obj);
    w.wq_push(p->obj, w.self_tid());
    w.sim().block(kEvPoolDestroy, p->obj);
  }
}

int pool_threads(World& w, uint32_t id) {
  Pool* p = pool(w, id);
  return p ? p->live : 0;
}

int pool_peak(World& w, uint32_t id) {
  Pool* p = pool(w, id);
  return p ? p->peak : 0;
}

}  // namespace ks::km
