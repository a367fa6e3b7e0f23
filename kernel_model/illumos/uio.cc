// uiomove: moves data between a kernel buffer and the iovecs of a uio. User
// segments go through copyin/copyout of the calling thread's process (a
// scheduling point per page, EFAULT for a hole); kernel segments are copied.
#include <cerrno>
#include <cstring>

#include "kernel_model/proc.h"
#include "kernel_model/user_mem.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/uio.h>
}

extern "C" int uiomove(void* p, size_t n, enum uio_rw rw, uio_t* uio) {
  auto* k = static_cast<unsigned char*>(p);
  while (n > 0 && uio->uio_resid > 0 && uio->uio_iovcnt > 0) {
    iovec_t* iov = uio->uio_iov;
    size_t cnt = iov->iov_len < n ? iov->iov_len : n;
    if (cnt == 0) {
      uio->uio_iov++;
      uio->uio_iovcnt--;
      continue;
    }
    if (uio->uio_segflg == UIO_SYSSPACE) {
      if (rw == UIO_READ) std::memcpy(iov->iov_base, k, cnt);
      else std::memcpy(k, iov->iov_base, cnt);
    } else {
      ks::km::World& w = *ks::km::World::current();
      ks::km::Proc& pr = ks::km::curproc(w);
      uint64_t ua = reinterpret_cast<uintptr_t>(iov->iov_base);
      int e = rw == UIO_READ ? ks::km::copyout(w, pr, k, ua, cnt)
                             : ks::km::copyin(w, pr, ua, k, cnt);
      if (e) return e;
    }
    iov->iov_base = static_cast<char*>(iov->iov_base) + cnt;
    iov->iov_len -= cnt;
    uio->uio_resid -= static_cast<ssize_t>(cnt);
    uio->uio_loffset += static_cast<offset_t>(cnt);
    k += cnt;
    n -= cnt;
  }
  return 0;
}
