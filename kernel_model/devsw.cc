// The device switch: device nodes by path, opens counted per dev, the
// exit-time close of files a process left open, the leftover-node check, and
// the boot gate that holds user threads until the drivers are loaded.
#include "kernel_model/devsw.h"

#include <cerrno>
#include <stdexcept>

#include "kernel_model/boot_image.h"
#include "kernel_model/devmap.h"
#include "kernel_model/page_lock.h"
#include "kernel_model/kqueue.h"
#include "kernel_model/proc.h"
#include "kernel_model/syscalls.h"
#include "kernel_model/race.h"
#include "kernel_model/world.h"

namespace ks::km {

DevSwitch& devsw(World& w) {
  auto& slot = w.component(World::kSlotDev);
  if (!slot) slot = std::make_shared<DevSwitch>();
  return *static_cast<DevSwitch*>(slot.get());
}

uint32_t devsw_new_major(World& w) { return devsw(w).next_major++; }

namespace {
struct DevImage {
  DevSwitchValues values;
  std::vector<DevNode> nodes;
  std::vector<std::shared_ptr<DriverRecord>> records;  // copies
};

[[maybe_unused]] const bool image_hook = (World::set_component_image(World::kSlotDev, {
  [](const void* live) -> std::shared_ptr<void> {
    auto& d = *static_cast<const DevSwitch*>(live);
    auto im = std::make_shared<DevImage>();
    im->values = d;
    im->nodes = save_owned(d.nodes);
    for (auto& r : d.driver_records) im->records.push_back(r->copy());
    return im;
  },
  [](void* live, const void* saved) {
    auto& d = *static_cast<DevSwitch*>(live);
    auto& im = *static_cast<const DevImage*>(saved);
    if (d.driver_records.size() < im.records.size() || d.nodes.size() < im.nodes.size())
      return false;
    while (d.nodes.size() > im.nodes.size()) {
      d.spare_nodes.push_back(std::move(d.nodes.back()));
      d.nodes.pop_back();
    }
    restore_owned(d.nodes, im.nodes);
    static_cast<DevSwitchValues&>(d) = im.values;
    d.driver_records.resize(im.records.size());
    for (size_t i = 0; i < im.records.size(); i++) d.driver_records[i]->assign(*im.records[i]);
    return true;
  }}), true);
}  // namespace

namespace {
// After teardown (open files closed, drivers detached) no node may remain:
// a driver's detach removes the minor nodes its attach created.
void check_nodes_left(World& w) {
  std::string msg, sig;
  if (devsw_node_left(w, nullptr, &msg, &sig))
    w.set_failure(sim::FailureKind::kTeardown, msg, sig);
}
}  // namespace

bool devsw_node_left(World& w, const char* owner, std::string* msg, std::string* sig) {
  for (auto& n : devsw(w).nodes) {
    if (n->removed || (owner && n->owner != owner)) continue;
    std::string who = n->owner.empty() ? std::string() : " of driver " + n->owner;
    std::string hint;
    if (n->ops.remove_hint)
      hint = std::string(" (its unload should remove it: ") + n->ops.remove_hint + ")";
    *msg = "minor node " + n->path + who +
           " left behind: the driver was unloaded without removing it" + hint;
    *sig = "teardown:minor_node_left:" + n->path;
    return true;
  }
  return false;
}

void devsw_hold_opens(World& w, const std::string& owner, bool hold) {
  for (auto& n : devsw(w).nodes) {
    if (n->owner != owner) continue;
    if (hold && !n->removed) {
      if (!n->opens_held_q)
        n->opens_held_q = w.new_obj(kObjOther, w.sim().intern("detach:" + n->path));
      n->opens_held = true;
    } else if (!hold && n->opens_held) {  // the detach may have removed it meanwhile
      n->opens_held = false;
      w.wq_wake_all(n->opens_held_q);
    }
  }
}

bool devsw_driver_open(World& w, const std::string& owner) {
  DevSwitch& d = devsw(w);
  for (auto& n : d.nodes) {
    if (n->owner != owner) continue;
    auto of_node = [&](uint64_t key) { return major64(key & ~(uint64_t(1) << 63)) == n->major; };
    for (auto& [key, count] : d.opens)
      if (count > 0 && of_node(key)) return true;
    // An open still inside the driver's open entry point, or a last close
    // inside its close, holds the device too.
    for (auto& [key, o] : d.opening)
      if (o.n > 0 && of_node(key)) return true;
    for (auto& [key, c] : d.closing)
      if (c.n > 0 && of_node(key)) return true;
  }
  return false;
}

DevNode& devsw_add_node(World& w, const std::string& path, uint32_t major, uint32_t minor,
                        bool block, const DevOps& ops) {
  DevSwitch& d = devsw(w);
  KHandle lock{}, cv{};
  if (ops.drain_lock) {
    w.init_handle(&lock, kObjMutex, ops.drain_lock, ops.drain_lock);
    w.init_handle(&cv, kObjCondvar, ops.drain_cv, ops.drain_cv);
  }
  sim::ObjId obj = w.new_obj(kObjDevice, w.sim().intern(path));
  if (w.sim().on_fiber()) w.sim().point(kEvMinorNode, obj, 1, minor);
  if (devsw_lookup(w, path))
    w.fail(sim::FailureKind::kPanic, "device node " + path + " created twice",
           "devsw:node_twice:" + path);
  std::unique_ptr<DevNode> n;
  if (d.spare_nodes.empty()) {
    n = std::make_unique<DevNode>();
  } else {
    n = std::move(d.spare_nodes.back());
    d.spare_nodes.pop_back();
    n->removed = false;
    n->owner.clear();
    n->inside = 0;
    n->draining = false;
    n->opens_held = false;
    n->opens_held_q = 0;
    n->privs = nullptr;
    n->perm = {};
    n->link = nullptr;
  }
  n->path = path;
  n->major = major;
  n->minor = minor;
  n->block = block;
  n->ops = ops;
  n->obj = obj;
  n->drain_lock = static_cast<sim::ObjId>(lock.v);
  n->drain_cv = static_cast<sim::ObjId>(cv.v);
  d.nodes.push_back(std::move(n));
  // What the driver did before making the node (its softc, si_drv1) is seen
  // by whoever opens it: devfs publishes a node under its locks.
  race_release(w, obj);
  if (!d.node_check_registered) {
    d.node_check_registered = true;
    w.on_final_check([&w] { check_nodes_left(w); });
  }
  return *d.nodes.back();
}

void devsw_remove_node(World& w, const std::string& path) {
  DevNode* n = devsw_lookup(w, path);
  if (!n) return;
  if (w.sim().on_fiber()) w.sim().point(kEvMinorNode, n->obj, 0, n->minor);
  n->removed = true;
  if (n->drain_lock) {
    // Wait for the threads still inside the driver (it frees what they use
    // only after this).
    w.mutex_enter(n->drain_lock);
    n->draining = true;
    while (n->inside > 0) w.cv_wait(n->drain_cv, n->drain_lock, false, 0);
    n->draining = false;
    // every method that left comes before what follows the drain
    if (race_on(w)) race_acquire(w, n->drain_cv);
    w.mutex_exit(n->drain_lock);
  }
  while (n->privs) devsw_priv_destroy(*n->privs);
}

CurFileScope::CurFileScope(World& w, OpenFile* f) : w_(w), saved_(w.self().cur_file) {
  w.self().cur_file = f;
}

// The thread's record is looked up again: the entry point may have
// spawned threads, and the records may have moved.
CurFileScope::~CurFileScope() { w_.self().cur_file = saved_; }

int devsw_priv_set(World& w, void* data, void (*dtor)(void*)) {
  OpenFile* f = w.self().cur_file;
  if (!f) return ENOENT;
  if (f->priv_set) return EBUSY;
  f->priv_set = true;
  f->priv_data = data;
  f->priv_dtor = dtor;
  f->priv_next = f->node->privs;
  f->node->privs = f;
  return 0;
}

int devsw_priv_get(World& w, void** data) {
  OpenFile* f = w.self().cur_file;
  if (!f) return EBADF;
  if (!f->priv_set) return ENOENT;
  *data = f->priv_data;
  return 0;
}

void devsw_priv_destroy(OpenFile& f) {
  if (!f.priv_set) return;
  for (OpenFile** p = &f.node->privs; *p; p = &(*p)->priv_next)
    if (*p == &f) {
      *p = f.priv_next;
      break;
    }
  void (*dtor)(void*) = f.priv_dtor;
  void* data = f.priv_data;
  f.priv_set = false;
  f.priv_data = nullptr;
  f.priv_dtor = nullptr;
  f.priv_next = nullptr;
  if (dtor) dtor(data);  // after the unlink: it may close or remove more
}

void devsw_leave_driver(World& w, DevNode& n) {
  // Leaving publishes what the method did to the drain that waits for it
  // (FreeBSD's dev_relthread: a release decrement of si_threadcount, read
  // by destroy_dev), whether or not a drain is under way yet.
  if (n.drain_cv && race_on(w)) race_release(w, n.drain_cv);
  n.inside--;
  if (n.draining && n.inside == 0) {
    w.mutex_enter(n.drain_lock);
    w.cv_broadcast(n.drain_cv);
    w.mutex_exit(n.drain_lock);
  }
}

DevNode* devsw_find(World& w, const std::string& path) {
  // Newest first: a path removed and created again names the new node.
  auto& nodes = devsw(w).nodes;
  for (size_t i = nodes.size(); i-- > 0;)
    if (nodes[i]->path == path) return nodes[i].get();
  return nullptr;
}

DevNode* devsw_lookup(World& w, const std::string& path) {
  DevNode* n = devsw_find(w, path);
  return n && !n->removed ? n : nullptr;
}

int devsw_open(World& w, DevNode& n, uint64_t* dev, int flags, const Cred& cr) {
  if (!n.ops.open) return ENXIO;
  race_acquire(w, n.obj);
  DevSwitch& d = devsw(w);
  // The dev's last close (of this open type) is running: wait for it to
  // finish where the kernel does (illumos: a driver never sees an open
  // interleaved with the close that tears it down; FreeBSD: it may). The
  // wait queue is made only when someone waits, so runs without this race
  // keep their object ids and trace hashes.
  if (n.ops.open_waits_last_close) {
    for (auto it = d.closing.find(spec_key(*dev, n.block)); it != d.closing.end();
         it = d.closing.find(spec_key(*dev, n.block))) {
      if (!it->second.q) it->second.q = w.new_obj(kObjOther, w.sim().intern("spec:" + n.path));
      sim::ObjId q = it->second.q;
      w.wq_push(q, w.self_tid());
      w.sim().block(kEvSyscall, q);
    }
  }
  if (n.removed) return ENXIO;  // the close tore the device down
  // Its driver is detaching (devsw_hold_opens): wait for the outcome.
  while (n.opens_held) {
    w.wq_push(n.opens_held_q, w.self_tid());
    w.sim().block(kEvSyscall, n.opens_held_q);
  }
  if (n.removed) return ENXIO;
  const uint64_t asked = spec_key(*dev, n.block);  // a clone open changes *dev
  d.opening_spares.get(d.opening, asked).n++;
  int rc = n.ops.open(n.ops.cookie, dev, flags, n.block, cr);
  if (rc == 0) {
    const uint64_t key = spec_key(*dev, n.block);
    d.opens_spares.get(d.opens, key)++;
    // A last close that began while this open was inside the driver is no
    // longer the last.
    if (auto c = d.closing.find(key); c != d.closing.end()) c->second.epoch++;
  }
  auto o = d.opening.find(asked);
  if (--o->second.n == 0) {
    sim::ObjId q = o->second.q;
    d.opening_spares.erase(d.opening, o);
    if (q)
      w.wq_wake_all(q);
  }
  return rc;
}

void devsw_map_hold(World& w, DevNode& n, uint64_t dev) {
  DevSwitch& d = devsw(w);
  d.opens_spares.get(d.opens, spec_key(dev, n.block))++;
}

int devsw_close(World& w, DevNode& n, uint64_t dev, int flags, const Cred& cr) {
  DevSwitch& d = devsw(w);
  const uint64_t key = spec_key(dev, n.block);
  auto it = d.opens.find(key);
  const bool last = it == d.opens.end() || --it->second == 0;  // of this open type
  if (it != d.opens.end() && last) d.opens_spares.erase(d.opens, it);
  // FreeBSD D_TRACKCLOSE: devfs_close calls d_close at every close, the
  // last too, and (the vnode unlocked, as around d_open) waits for no open
  // in progress: a close that waited for one and found it succeeded was
  // taken for "not the last" and skipped d_close, so a driver counting its
  // opens never saw it.
  if (n.ops.close_rule == CloseRule::kEvery)
    return n.ops.close ? n.ops.close(n.ops.cookie, dev, flags, n.block, cr) : 0;
  if (!last) return 0;
  if (!n.ops.close) return 0;
  // From here new opens wait for this close; opens already inside the
  // driver finish first.
  DevSwitch::Closing& mine = d.closing_spares.get(d.closing, key);
  mine.n++;
  const uint32_t epoch = mine.epoch;
  int rc = 0;
  if (!n.ops.open_waits_last_close) {
    // FreeBSD devfs_close decides at once, under the vnode interlock, from
    // count_dev: si_usecount sums the device vnodes' use references, and
    // an opener inside d_open holds one (from its lookup), so the close is
    // not the last and skips d_close, whether that open then succeeds or
    // fails; it waits for nothing (devfs_vnops.c devfs_close, devfs_allocv;
    // kern_conf.c count_dev).
    if (d.opening.find(key) == d.opening.end())
      rc = n.ops.close(n.ops.cookie, dev, flags, n.block, cr);
  } else {
    for (auto o = d.opening.find(key); o != d.opening.end(); o = d.opening.find(key)) {
      if (!o->second.q)
        o->second.q = w.new_obj(kObjOther, w.sim().intern("spec-open:" + n.path));
      sim::ObjId q = o->second.q;
      w.wq_push(q, w.self_tid());
      w.sim().block(kEvSyscall, q);
    }
    if (mine.epoch == epoch) rc = n.ops.close(n.ops.cookie, dev, flags, n.block, cr);
  }
  auto c = d.closing.find(key);  // still there: only the last of us erases it
  if (--c->second.n > 0) return rc;
  sim::ObjId q = c->second.q;
  d.closing_spares.erase(d.closing, c);
  if (q)
    w.wq_wake_all(q);
  return rc;
}

int devsw_close_file(World& w, OpenFile& f, const Cred& cr) {
  if (f.released) return 0;
  f.released = true;
  poll_file_closed(w, &f);  // a poller's cached entry goes before the driver's close
  if (f.fo_close) return f.fo_close(w, f);
  int rc;
  {
    CurFileScope in(w, &f);
    rc = devsw_close(w, *f.node, f.dev, f.flags, cr);
  }
  // The open's private data outlives its device close (FreeBSD: the
  // destructor runs when the file is dropped, after d_close).
  devsw_priv_destroy(f);
  return rc;
}

std::shared_ptr<OpenFile> getf(Proc& p, int64_t fd) {
  if (fd < 0 || static_cast<uint64_t>(fd) >= p.fds.size()) return nullptr;
  auto f = p.fds[static_cast<size_t>(fd)];
  return f && !f->closed ? f : nullptr;
}

FileHold::FileHold(World& w_, Proc& p, int64_t fd) : w(w_), cr(p.cred), f(getf(p, fd)) {
  if (f) f->holds++;
}

FileHold::~FileHold() {
  if (f && --f->holds == 0 && f->closed) devsw_close_file(w, *f, cr);
}

void devsw_proc_exit(World& w, Proc& p) {
  if (p.exited) return;
  p.exited = true;
  {
    KThread& k = w.self();
    k.syscall = "exit";
    k.syscall_arg = p.pid;
    run_proc_exit_hooks(w, p);
    w.self().syscall = nullptr;
    w.self().syscall_arg = 0;
  }
  for (auto& slot : p.fds) {
    std::shared_ptr<OpenFile> f = std::move(slot);
    slot.reset();
    if (!f || f->closed) continue;
    f->closed = true;  // no thread of the process is left, so nothing holds it
    // Visible in the trace as the close it is, made by the exiting process.
    uint64_t fd = static_cast<uint64_t>(&slot - p.fds.data());
    w.sim().point(kEvSyscall, p.obj, kSysClose, fd);
    KThread& k = w.self();
    k.syscall = "exit";
    k.syscall_arg = p.pid;
    // knote_fdclose: the knotes on it go before its close, as at close(2).
    kqueue_fd_closing(w, p, static_cast<int>(fd));
    int rc = devsw_close_file(w, *f, p.cred);
    w.sim().emit(kEvSyscallExit, p.obj, kSysClose, 0, rc ? -rc : 0);
    k.syscall = nullptr;
    k.syscall_arg = 0;
  }
  // Then its address space goes (exit1: the files before the vmspace), and
  // with it the device mappings, before any driver's detach frees what
  // they map.
  if (p.as.locks) {
    // as_free: the lock undos run, then the exit waits for the unlocks.
    w.self().syscall = "exit";
    page_locks_exit(w, p);
    w.self().syscall = nullptr;
  }
  if (p.as.dev) devmap_exit(w, p);
}

void devsw_register_exit_close(World& w) {
  DevSwitch& d = devsw(w);
  if (d.closer_registered) return;
  d.closer_registered = true;
  w.on_teardown([&w] {
    // Process exit: each file still open is closed in the process's own
    // context (curproc is the exiting process), pid order, then fd order.
    // A process killed mid-run exited then (devsw_proc_exit).
    for (auto& p : procs(w).procs) {
      w.self().proc = p.get();
      devsw_proc_exit(w, *p);
    }
    w.self().proc = nullptr;
  });
}

// ---- the boot gate ----
//
// A module load runs on its own kernel thread and may sleep (kmem, taskq
// creation, locks), so the strategy may run a user thread in the middle of
// it. User threads therefore wait at this gate (at their first system call,
// and a Program thread before its first call) until every load has finished:
// the kernel is booted before init runs. A counter and a wait queue on a
// World object keep it deterministic and visible in hang reports ("sleeps in
// modload on boot"). The boot runs on the Sim's fixed schedule
// (Sim::set_fixed): its interleavings are not explored, and every execution
// of a set-up reaches the same booted state.

namespace {
sim::ObjId gate(World& w) {
  DevSwitch& d = devsw(w);
  if (!d.boot_gate) d.boot_gate = w.new_obj(kObjOther, "boot");
  return d.boot_gate;
}
}  // namespace

void boot_load_started(World& w) {
  gate(w);
  devsw(w).loads_pending++;
  // A load the set-up starts is the boot: it runs on a fixed schedule (no
  // decision of the strategy's) until the last load finishes.
  if (!w.sim().on_fiber()) w.sim().set_fixed(true);
}

void boot_load_finished(World& w) {
  DevSwitch& d = devsw(w);
  race_release(w, d.boot_gate);
  race_boot_finished(w);
  if (d.loads_pending == 0 || --d.loads_pending > 0) return;
  w.sim().set_fixed(false);
  w.wq_wake_all(d.boot_gate);
  if (w.take_boot_stop()) w.sim().host_request(kReqBootDone, nullptr);
}

bool boot_now(World& w) {
  auto& slot = w.component(World::kSlotDev);
  if (!slot || static_cast<DevSwitch*>(slot.get())->loads_pending == 0) return true;
  w.want_boot_stop();
  RunStatus st = w.run();
  if (st != RunStatus::kHostRequest) return false;
  if (w.sim().host_request_code() != kReqBootDone)
    throw std::logic_error("a thread asked the host for a service during the boot");
  return true;
}

void wait_for_boot(World& w) {
  auto& slot = w.component(World::kSlotDev);
  if (!slot) return;
  DevSwitch& d = *static_cast<DevSwitch*>(slot.get());
  while (d.loads_pending > 0) {
    w.wq_push(d.boot_gate, w.self_tid());
    w.sim().block(kEvModload, d.boot_gate);
  }
  // Every system call passes here: the detector's call only when it runs.
  if (d.boot_gate && race_on(w)) race_acquire(w, d.boot_gate);
}

}  // namespace ks::km
