// illumos vnodes over the kernel model's backing files and device nodes.
// One vnode per path while held (lookupname of a held path hands back the
// same vnode, as the DNLC would); the last VN_RELE frees it into kmem's
// quarantine, so a stale vnode pointer is recognised and reported as a use
// after free, naming the path and who released it. Regular-file holds are
// mirrored onto the backing file (vfs_hold), whose teardown check reports a
// vnode leak; device vnodes are checked here.
#include <cerrno>
#include <cstring>
#include <string>

#include "kernel_model/devsw.h"
#include "kernel_model/kmem.h"
#include "kernel_model/vfs.h"
#include "kernel_model/illumos/il_state.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/vnode.h>
}

namespace {

using ks::km::World;

using ks::km::illumos::il_state;

ks::km::BackingFile* file_of(vnode_t* vp) {
  return static_cast<ks::km::BackingFile*>(vp->v_ks_file);
}

// A vnode pointer a VOP is given must be a live vnode: a NULL or released
// one is the driver using its file after closing it.
vnode_t* live(World& w, vnode_t* vp, const char* op) {
  if (!vp)
    w.fail(ks::sim::FailureKind::kMemory,
           std::string("use after close: ") + op + " of a NULL vnode by thread " +
               w.thread_name(w.self_tid()) + " (the file was closed and forgotten)",
           std::string("vnode_use_after_close:") + op);
  const ks::km::KmemHdr* buf = ks::km::kmem_buffer(w, vp);
  if (!buf || std::strcmp(buf->tag, "vnode") != 0)
    w.fail(ks::sim::FailureKind::kMemory,
           std::string(op) + " of a pointer that is no vnode, by thread " +
               w.thread_name(w.self_tid()),
           std::string("vnode_bad:") + op);
  if (buf->freed) {
    const ks::km::ReleasedVnode* r = il_state(w).vnodes.release_of(vp);
    std::string path = r ? r->path : "?";
    std::string who = r ? std::string(" after thread ") + w.thread_name(r->tid) +
                              " released its last hold (VN_RELE) at step " +
                              std::to_string(r->step)
                        : std::string();
    w.fail(ks::sim::FailureKind::kMemory,
           std::string("use after free: ") + op + " of the vnode of " + path + " by thread " +
               w.thread_name(w.self_tid()) + who,
           std::string("vnode_use_after_free:") + op);
  }
  return vp;
}

vnode_t* vn_get(World& w, const std::string& path, vtype_t type, dev_t rdev,
                ks::km::BackingFile* f) {
  auto& t = il_state(w);
  auto* vp = static_cast<vnode_t*>(t.vnodes.find(path));
  if (!vp) {
    vp = static_cast<vnode_t*>(
        ks::km::kmem_alloc(w, sizeof(vnode_t), ks::km::kKmemSleep | ks::km::kKmemZero, "vnode"));
    // (the allocation may sleep: look again)
    if (auto* again = static_cast<vnode_t*>(t.vnodes.find(path))) {
      ks::km::kmem_free(w, vp, sizeof(vnode_t), "kmem_free");
      vp = again;
    } else {
      vp->v_type = type;
      vp->v_rdev = rdev;
      vp->v_ks_file = f;
      vp->v_path = static_cast<char*>(ks::km::kmem_alloc(w, path.size() + 1, ks::km::kKmemSleep,
                                                          "vnode"));
      std::memcpy(vp->v_path, path.c_str(), path.size() + 1);
      t.vnodes.insert(path, vp);
    }
  }
  vp->v_count++;
  if (f) ks::km::vfs_hold(w, *f);
  return vp;
}

int lookup(World& w, const char* name, vnode_t** vpp) {
  if (!name || name[0] != '/') return ENOENT;
  std::string path(name);
  if (ks::km::BackingFile* f = ks::km::vfs_lookup(w, path)) {
    *vpp = vn_get(w, path, VREG, 0, f);
    return 0;
  }
  if (ks::km::DevNode* n = ks::km::devsw_lookup(w, path)) {
    *vpp = vn_get(w, path, n->block ? VBLK : VCHR,
                  static_cast<dev_t>(ks::km::makedev64(n->major, n->minor)), nullptr);
    return 0;
  }
  return ENOENT;
}

}  // namespace

extern "C" {

int lookupname(const char* name, enum uio_seg, enum symfollow, vnode_t** dirvpp,
               vnode_t** compvpp) {
  World& w = *World::current();
  if (dirvpp) *dirvpp = nullptr;
  vnode_t* vp = nullptr;
  int e = lookup(w, name, &vp);
  if (e) return e;
  if (compvpp) *compvpp = vp;
  else vn_rele(vp);
  return 0;
}

int vn_open(const char* name, enum uio_seg, int filemode, int, vnode_t** vpp, enum create,
            mode_t) {
  World& w = *World::current();
  vnode_t* vp = nullptr;
  if (int e = lookup(w, name, &vp)) return e;
  if (vp->v_type == VREG && (filemode & 0x02 /* FWRITE */) && file_of(vp)->readonly) {
    vn_rele(vp);
    return EROFS;
  }
  vp->v_ks_opens++;
  *vpp = vp;
  return 0;
}

void ks_il_vn_hold(vnode_t* vp) {
  World& w = *World::current();
  live(w, vp, "VN_HOLD")->v_count++;
  if (vp->v_ks_file) ks::km::vfs_hold(w, *file_of(vp));
}

void vn_rele(vnode_t* vp) {
  World& w = *World::current();
  live(w, vp, "VN_RELE");
  if (vp->v_count == 0)
    w.fail(ks::sim::FailureKind::kPanic,
           std::string("panic: VN_RELE of vnode ") + vp->v_path + " with no holds",
           std::string("vnode_rele_unheld:") + vp->v_path);
  if (vp->v_ks_file) ks::km::vfs_rele(w, *file_of(vp));
  if (--vp->v_count > 0) return;
  auto& t = il_state(w);
  std::string path = vp->v_path;
  t.vnodes.release(w, path, vp);
  ks::km::kmem_free(w, vp->v_path, path.size() + 1, "vn_rele");
  ks::km::kmem_free(w, vp, sizeof(vnode_t), "vn_rele");
}

int fop_close(vnode_t* vp, int, int, offset_t, cred_t*, caller_context_t*) {
  World& w = *World::current();
  live(w, vp, "VOP_CLOSE");
  if (vp->v_ks_opens == 0)
    w.fail(ks::sim::FailureKind::kPanic,
           std::string("panic: VOP_CLOSE of vnode ") + vp->v_path + ", which is not open",
           std::string("vnode_close_unopened:") + vp->v_path);
  vp->v_ks_opens--;
  return 0;
}

int fop_getattr(vnode_t* vp, vattr_t* vap, int, cred_t*, caller_context_t*) {
  World& w = *World::current();
  live(w, vp, "VOP_GETATTR");
  std::memset(vap, 0, sizeof *vap);
  vap->va_type = vp->v_type;
  vap->va_rdev = vp->v_rdev;
  vap->va_nlink = 1;
  vap->va_mode = 0644;
  if (ks::km::BackingFile* f = file_of(vp)) vap->va_size = f->data.size();
  vap->va_nblocks = (vap->va_size + 511) / 512;
  vap->va_mask = AT_ALL;
  return 0;
}

int fop_fsync(vnode_t* vp, int, cred_t*, caller_context_t*) {
  live(*World::current(), vp, "VOP_FSYNC");
  return 0;
}

int vn_rdwr(enum uio_rw rw, vnode_t* vp, caddr_t base, ssize_t len, offset_t offset,
            enum uio_seg, int, rlim64_t, cred_t*, ssize_t* residp) {
  World& w = *World::current();
  const char* op = rw == UIO_READ ? "vn_rdwr(UIO_READ)" : "vn_rdwr(UIO_WRITE)";
  live(w, vp, op);
  if (vp->v_ks_opens == 0)
    w.fail(ks::sim::FailureKind::kMemory,
           std::string("use after close: ") + op + " of vnode " + vp->v_path +
               " after its last VOP_CLOSE, by thread " + w.thread_name(w.self_tid()),
           std::string("vnode_use_after_close:") + op);
  ks::km::BackingFile* f = file_of(vp);
  if (!f) return ENXIO;  // I/O through a device vnode is not modelled
  if (len < 0) return EINVAL;
  int64_t r = rw == UIO_READ
                  ? ks::km::vfs_pread(w, *f, base, static_cast<uint64_t>(len), offset)
                  : ks::km::vfs_pwrite(w, *f, base, static_cast<uint64_t>(len), offset);
  // The transfer slept: the vnode must still be there when it comes back.
  live(w, vp, op);
  if (r < 0) return static_cast<int>(-r);
  if (residp) *residp = len - r;
  else if (r < len) return EIO;
  return 0;
}

}  // extern "C"
