// uiomove, the walk over a uio's iovecs, once for every personality. Both
// systems describe a transfer the same way (an iovec array, a count, a
// residual, an offset, a segment kind, a direction) in structures laid out
// differently, so the personality hands the walk references to its own
// fields and maps its segment and direction names onto these.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernel_model/world.h"

// The host's, which both systems' headers use (defined in <sys/uio.h>; not
// included here, where a personality's own <sys/uio.h> would be found).
struct iovec;

namespace ks::km {

enum class UioSeg : uint8_t {
  kUser,    // user addresses: copyin/copyout of the calling thread's process
  kKernel,  // kernel addresses: copied directly
  kNoCopy,  // nothing copied, the uio only advances (FreeBSD's UIO_NOCOPY)
};

// A uio's fields as the walk updates them.
struct UioRef {
  struct iovec*& iov;
  int& iovcnt;
  long& resid;  // ssize_t in both systems (LP64)
  int64_t& offset;
  UioSeg seg;
  bool to_iov;  // the data goes from the kernel buffer to the iovecs (a read)
};

// Moves min(n, resid) bytes between the kernel buffer k and the iovecs,
// advancing them, the residual and the offset by what moved. A user segment
// is a scheduling point per page (EFAULT for a hole: what moved before it
// stays moved).
int uio_move(World& w, void* k, size_t n, const UioRef& u);

}  // namespace ks::km
