// uiomove(9F): illumos's uio onto the kernel model's walk (uio.h). The
// direction is an argument (UIO_READ: to the uio, a read(2)); every segment
// other than UIO_SYSSPACE is user memory (UIO_USERSPACE, UIO_USERISPACE).
#include "kernel_model/uio.h"

#include "kernel_model/world.h"

extern "C" {
#include <sys/uio.h>
}

extern "C" int uiomove(void* p, size_t n, enum uio_rw rw, uio_t* uio) {
  int64_t off = uio->uio_loffset;
  int rc = ks::km::uio_move(
      *ks::km::World::current(), p, n,
      {uio->uio_iov, uio->uio_iovcnt, uio->uio_resid, off,
       uio->uio_segflg == UIO_SYSSPACE ? ks::km::UioSeg::kKernel : ks::km::UioSeg::kUser,
       rw == UIO_READ});
  uio->uio_loffset = off;
  return rc;
}
