// In-memory backing files. Each I/O is a scheduling point (a real VOP_READ
// may sleep, so it is also one a driver may not make from interrupt context
// or under a spin lock) and, when the World injects faults, may fail with
// EIO as a recorded choice.
//
// The vnode_io event: a0 = offset, a1 = length << 1 | (1 for a write).
#include "kernel_model/vfs.h"

#include <cerrno>
#include <cstring>

#include "kernel_model/component_pool.h"
#include "kernel_model/world.h"

namespace ks::km {

namespace {

// A write past this is EFBIG: a runaway offset must not exhaust the host.
constexpr uint64_t kMaxFileSize = 1ull << 30;

void check_holds(World& w) {
  Vfs& v = vfs(w);
  // By path: ordered, so the report is the same in every run.
  const BackingFile* first = nullptr;
  size_t leaked = 0;
  for (auto& [path, f] : v.files) {
    if (f.holds == 0) continue;
    if (!first) first = &f;
    leaked++;
  }
  if (!first) return;
  std::string msg = "backing file " + first->path + " still has " +
                    std::to_string(first->holds) + (first->holds == 1 ? " hold" : " holds") +
                    " at teardown (vnode leak)";
  if (leaked > 1) msg += "; " + std::to_string(leaked - 1) + " more backing files leaked too";
  w.set_failure(sim::FailureKind::kTeardown, msg, "vnode_held:" + first->path);
}

// Returns -errno when the I/O cannot start, else 0 (after the point).
int64_t io_enter(World& w, BackingFile& f, uint64_t len, int64_t off, bool write) {
  sim::Sim& s = w.sim();
  uint64_t a1 = (len << 1) | (write ? 1 : 0);
  if (s.on_fiber()) {
    s.point(kEvVnodeIo, f.obj, static_cast<uint64_t>(off), a1);
    w.assert_may_sleep(write ? "vnode write" : "vnode read", f.obj);
  } else {
    s.emit(kEvVnodeIo, f.obj, static_cast<uint64_t>(off), a1);
  }
  int64_t err = 0;
  if (off < 0) err = EINVAL;
  else if (write && f.readonly) err = EROFS;
  else if (w.options().inject_faults && s.on_fiber() &&
           s.choose(2, sim::ChoiceKind::kFault) == 1)
    err = EIO;
  if (err) s.emit(kEvVnodeIo, f.obj, static_cast<uint64_t>(off), a1, -err);
  return -err;
}

}  // namespace

Vfs& vfs(World& w) {
  auto& slot = w.component(World::kSlotVfs);
  if (!slot) {
    slot = pooled_component<Vfs>();
    w.on_final_check([&w] { check_holds(w); });
  }
  return *static_cast<Vfs*>(slot.get());
}

// Creating a path that exists truncates and resizes it (O_CREAT|O_TRUNC):
// its identity (object, holds) is kept.
BackingFile& vfs_create(World& w, const std::string& path, uint64_t size, bool readonly) {
  Vfs& v = vfs(w);
  bool fresh = v.files.find(path) == v.files.end();
  BackingFile& f = v.spares.get(v.files, path);
  if (fresh) {
    f.path = path;
    f.obj = w.new_obj(kObjFile, w.sim().intern(path));
  }
  f.data.assign(size, 0);
  f.readonly = readonly;
  return f;
}

BackingFile* vfs_lookup(World& w, const std::string& path) {
  Vfs& v = vfs(w);
  auto it = v.files.find(path);
  return it == v.files.end() ? nullptr : &it->second;
}

void vfs_hold(World&, BackingFile& f) { f.holds++; }

void vfs_rele(World& w, BackingFile& f) {
  if (f.holds == 0)
    w.fail(sim::FailureKind::kPanic,
           "panic: VN_RELE of backing file " + f.path + ", which has no holds",
           "vnode_rele_unheld:" + f.path);
  f.holds--;
}

int64_t vfs_pread(World& w, BackingFile& f, void* buf, uint64_t len, int64_t off) {
  if (int64_t e = io_enter(w, f, len, off, false)) return e;
  uint64_t size = f.data.size();
  uint64_t o = static_cast<uint64_t>(off);
  if (o >= size) return 0;
  uint64_t n = std::min(len, size - o);
  std::memcpy(buf, f.data.data() + o, n);
  return static_cast<int64_t>(n);
}

int64_t vfs_pwrite(World& w, BackingFile& f, const void* buf, uint64_t len, int64_t off) {
  if (int64_t e = io_enter(w, f, len, off, true)) return e;
  uint64_t o = static_cast<uint64_t>(off);
  if (len > kMaxFileSize || o > kMaxFileSize - len) return -EFBIG;
  if (o + len > f.data.size()) f.data.resize(o + len, 0);
  std::memcpy(f.data.data() + o, buf, len);
  return static_cast<int64_t>(len);
}

}  // namespace ks::km
