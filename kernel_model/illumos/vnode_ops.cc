// The VOPs beyond close/getattr/fsync, at current illumos's arities, built
// on vn_rdwr and the vnode's fields (vnode.cc keeps liveness and holds):
// on a regular file VOP_OPEN counts an open as vn_open does, VOP_READ and
// VOP_WRITE move a uio (kernel or user buffers, through a kmem bounce
// buffer for user ones) at uio_loffset, VOP_IOCTL is ENOTTY and VOP_ACCESS
// grants what the file allows. Device vnodes: ENXIO (not modelled).
#include <cerrno>

#include "kernel_model/vfs.h"

extern "C" {
#include <sys/file.h>
#include <sys/vnode.h>
}

namespace {

bool read_only(vnode_t* vp) {
  return static_cast<ks::km::BackingFile*>(vp->v_ks_file)->readonly;
}

// One iovec at a time; stops at the first short transfer or error.
int rdwr(enum uio_rw rw, vnode_t* vp, uio_t* uio, cred_t* cr) {
  if (vp->v_type != VREG || !vp->v_ks_file) return ENXIO;
  while (uio->uio_resid > 0 && uio->uio_iovcnt > 0) {
    iovec_t* iov = uio->uio_iov;
    size_t n = iov->iov_len;
    if (n > static_cast<size_t>(uio->uio_resid)) n = static_cast<size_t>(uio->uio_resid);
    if (n == 0) {
      uio->uio_iov++;
      uio->uio_iovcnt--;
      continue;
    }
    bool user = uio->uio_segflg == UIO_USERSPACE;
    char* buf = user ? static_cast<char*>(ks_kmem_alloc(n, KS_KM_SLEEP, "VOP_READ/VOP_WRITE"))
                     : static_cast<char*>(iov->iov_base);
    int e = 0;
    if (user && rw == UIO_WRITE)
      e = ks_copyin(reinterpret_cast<uint64_t>(iov->iov_base), buf, n);
    ssize_t resid = 0;
    if (!e)
      e = vn_rdwr(rw, vp, buf, static_cast<ssize_t>(n), uio->uio_loffset, UIO_SYSSPACE, 0,
                  RLIM64_INFINITY, cr, &resid);
    size_t done = e ? 0 : n - static_cast<size_t>(resid);
    if (!e && user && rw == UIO_READ && done)
      e = ks_copyout(buf, reinterpret_cast<uint64_t>(iov->iov_base), done);
    if (user) ks_kmem_free(buf, n, "VOP_READ/VOP_WRITE");
    if (e) return e;
    iov->iov_base = static_cast<char*>(iov->iov_base) + done;
    iov->iov_len -= done;
    uio->uio_resid -= static_cast<ssize_t>(done);
    uio->uio_loffset += static_cast<offset_t>(done);
    if (done < n) break;  // end of file (a read) or a short write
  }
  return 0;
}

}  // namespace

extern "C" {

int fop_open(vnode_t** vpp, int mode, cred_t*, caller_context_t*) {
  vnode_t* vp = *vpp;
  if (!vp) return EINVAL;
  if (vp->v_type != VREG || !vp->v_ks_file) return ENXIO;
  if ((mode & FWRITE) && read_only(vp)) return EROFS;
  vp->v_ks_opens++;
  return 0;
}

int fop_read(vnode_t* vp, uio_t* uio, int, cred_t* cr, caller_context_t*) {
  return rdwr(UIO_READ, vp, uio, cr);
}

int fop_write(vnode_t* vp, uio_t* uio, int, cred_t* cr, caller_context_t*) {
  return rdwr(UIO_WRITE, vp, uio, cr);
}

int fop_ioctl(vnode_t* vp, int, intptr_t, int, cred_t*, int*, caller_context_t*) {
  return vp && vp->v_type == VREG ? ENOTTY : ENXIO;
}

int fop_access(vnode_t* vp, int mode, int, cred_t*, caller_context_t*) {
  if (!vp) return EINVAL;
  if (vp->v_type != VREG || !vp->v_ks_file) return 0;
  return (mode & VWRITE) && read_only(vp) ? EROFS : 0;
}

}  // extern "C"
