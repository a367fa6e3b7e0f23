// uiomove (uio.h): the walk over a uio's iovecs.
#include "kernel_model/uio.h"

#include <sys/uio.h>

#include <cstring>
#include <type_traits>

#include "kernel_model/proc.h"
#include "kernel_model/user_mem.h"

namespace ks::km {

static_assert(std::is_same_v<ssize_t, long>, "UioRef::resid is a uio's ssize_t");

int uio_move(World& w, void* kp, size_t n, const UioRef& u) {
  auto* k = static_cast<unsigned char*>(kp);
  while (n > 0 && u.resid > 0 && u.iovcnt > 0) {
    struct iovec* iov = u.iov;
    size_t cnt = iov->iov_len < n ? iov->iov_len : n;
    if (cnt == 0) {
      u.iov++;
      u.iovcnt--;
      continue;
    }
    if (u.seg == UioSeg::kKernel) {
      if (u.to_iov) std::memcpy(iov->iov_base, k, cnt);
      else std::memcpy(k, iov->iov_base, cnt);
    } else if (u.seg == UioSeg::kUser) {
      const char* op = u.to_iov ? "copyout" : "copyin";
      Proc& p = user_process(w, op);
      uint64_t ua = reinterpret_cast<uintptr_t>(iov->iov_base);
      int e = u.to_iov ? copyout(w, p, k, ua, cnt) : copyin(w, p, ua, k, cnt);
      if (e) return e;
    }
    iov->iov_base = static_cast<char*>(iov->iov_base) + cnt;
    iov->iov_len -= cnt;
    u.resid -= static_cast<long>(cnt);
    u.offset += static_cast<int64_t>(cnt);
    k += cnt;
    n -= cnt;
  }
  return 0;
}

}  // namespace ks::km
