// uiomove(9) for the FreeBSD personality: between a kernel buffer and the
// iovecs of a uio, user segments through the neutral copyin/copyout of the
// calling thread's process (EFAULT for a hole), kernel ones by memcpy.
// FreeBSD's uiomove may fault and sleep, so it is no place for a spin
// mutex: copyin/copyout check that.
#include <cerrno>
#include <cstring>

#include "kernsim/abi.h"

extern "C" {
#include <sys/uio.h>
}

extern "C" int ks_fb_uiomove(void* cp, int n, struct uio* uio) {
  auto* k = static_cast<unsigned char*>(cp);
  while (n > 0 && uio->uio_resid > 0 && uio->uio_iovcnt > 0) {
    struct iovec* iov = uio->uio_iov;
    size_t cnt = iov->iov_len < size_t(n) ? iov->iov_len : size_t(n);
    if (cnt == 0) {
      uio->uio_iov++;
      uio->uio_iovcnt--;
      continue;
    }
    if (uio->uio_segflg == UIO_SYSSPACE) {
      if (uio->uio_rw == UIO_READ) std::memcpy(iov->iov_base, k, cnt);
      else std::memcpy(k, iov->iov_base, cnt);
    } else if (uio->uio_segflg == UIO_USERSPACE) {
      uint64_t ua = reinterpret_cast<uintptr_t>(iov->iov_base);
      int e = uio->uio_rw == UIO_READ ? ks_copyout(k, ua, cnt) : ks_copyin(ua, k, cnt);
      if (e) return e;
    }
    iov->iov_base = static_cast<char*>(iov->iov_base) + cnt;
    iov->iov_len -= cnt;
    uio->uio_resid -= static_cast<ssize_t>(cnt);
    uio->uio_offset += static_cast<off_t>(cnt);
    k += cnt;
    n -= static_cast<int>(cnt);
  }
  return 0;
}
