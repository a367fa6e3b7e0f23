// uiomove(9): FreeBSD's uio onto the kernel model's walk (uio.h). The
// direction is the uio's own (uio_rw: UIO_READ moves the driver's data to
// the uio); UIO_NOCOPY advances without copying. uiomove may fault and
// sleep, so it is no place for a spin mutex: the user copies check that.
#include "kernel_model/uio.h"

#include "kernel_model/world.h"

extern "C" {
#include <sys/uio.h>
}

extern "C" int ks_fb_uiomove(void* cp, int n, struct uio* uio) {
  if (n <= 0) return 0;
  int64_t off = uio->uio_offset;
  ks::km::UioSeg seg = uio->uio_segflg == UIO_SYSSPACE    ? ks::km::UioSeg::kKernel
                       : uio->uio_segflg == UIO_USERSPACE ? ks::km::UioSeg::kUser
                                                          : ks::km::UioSeg::kNoCopy;
  int rc = ks::km::uio_move(*ks::km::World::current(), cp, static_cast<size_t>(n),
                            {uio->uio_iov, uio->uio_iovcnt, uio->uio_resid, off, seg,
                             uio->uio_rw == UIO_READ});
  uio->uio_offset = off;
  return rc;
}
