// illumos buffers and physio: a transfer described by a uio becomes one buf
// per chunk (minphys-limited) handed to the driver's strategy routine; the
// caller sleeps in biowait on b_sem until the driver's biodone. User data
// goes through a kernel bounce buffer (copyin before a write, copyout after
// a read), standing in for the page locking and mapping of real physio.
#include <cerrno>
#include <cstring>

#include "kernel_model/kmem.h"
#include "kernel_model/proc.h"
#include "kernel_model/user_mem.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/buf.h>
#include <sys/uio.h>
}

namespace {
constexpr uint64_t kDevBsize = 512;
using ks::km::World;
}  // namespace

extern "C" {

void bioinit(struct buf* bp) {
  std::memset(bp, 0, sizeof *bp);
  ks_sema_init(&bp->b_sem._opaque, 0, nullptr, "b_sem");
  ks_sema_init(&bp->b_io._opaque, 1, nullptr, "b_io");
}

void biofini(struct buf* bp) {
  ks_sema_destroy(&bp->b_sem._opaque, "b_sem");
  ks_sema_destroy(&bp->b_io._opaque, "b_io");
}

void bioerror(struct buf* bp, int error) {
  if (error) {
    bp->b_flags |= B_ERROR;
    bp->b_error = error;
  } else {
    bp->b_flags &= ~B_ERROR;
    bp->b_error = 0;
  }
}

int geterror(struct buf* bp) {
  if (!(bp->b_flags & B_ERROR)) return 0;
  return bp->b_error ? bp->b_error : EIO;
}

// A buf completed twice would wake a later transfer's biowait: a panic, as
// illumos's DEBUG kernel asserts.
void biodone(struct buf* bp) {
  if (bp->b_flags & B_DONE)
    ks_panic("biodone: buf %p completed twice", static_cast<void*>(bp));
  bp->b_flags |= B_DONE;
  if (bp->b_iodone) {
    bp->b_iodone(bp);
    return;
  }
  ks_sema_v(&bp->b_sem._opaque, "b_sem");
}

int biowait(struct buf* bp) {
  ks_sema_p(&bp->b_sem._opaque, "b_sem");
  return geterror(bp);
}

void bp_mapin(struct buf*) {}
void bp_mapout(struct buf*) {}

struct buf* getrbuf(int kmflag) {
  auto* bp = static_cast<struct buf*>(
      ks_kmem_alloc(sizeof(struct buf), (kmflag & 1) ? KS_KM_NOSLEEP : KS_KM_SLEEP, "getrbuf"));
  if (bp) bioinit(bp);
  return bp;
}

void freerbuf(struct buf* bp) {
  biofini(bp);
  ks_kmem_free(bp, sizeof(struct buf), "freerbuf");
}

void minphys(struct buf* bp) {
  if (bp->b_bcount > maxphys) bp->b_bcount = maxphys;
}

int physio(int (*strat)(struct buf*), struct buf* bp, dev_t dev, int rw,
           void (*mincnt)(struct buf*), struct uio* uio) {
  World& w = *World::current();
  bool own = bp == nullptr;
  if (own) bp = getrbuf(0);
  int error = 0;
  while (error == 0 && uio->uio_resid > 0 && uio->uio_iovcnt > 0) {
    iovec_t* iov = uio->uio_iov;
    if (iov->iov_len == 0) {
      uio->uio_iov++;
      uio->uio_iovcnt--;
      continue;
    }
    bp->b_flags = B_BUSY | B_PHYS | (rw & (B_READ | B_WRITE));
    bp->b_error = 0;
    bp->b_dev = bp->b_edev = dev;
    bp->b_lblkno = static_cast<diskaddr_t>(uio->uio_loffset) / kDevBsize;
    bp->b_blkno = static_cast<ks_il_daddr_t>(bp->b_lblkno);
    bp->b_bcount = iov->iov_len;
    bp->b_resid = 0;
    (mincnt ? mincnt : minphys)(bp);
    size_t c = bp->b_bcount;
    auto* kbuf = static_cast<char*>(ks::km::kmem_alloc(w, c, ks::km::kKmemSleep, "physio"));
    uint64_t ua = reinterpret_cast<uintptr_t>(iov->iov_base);
    bool user = uio->uio_segflg != UIO_SYSSPACE;
    if (rw & B_WRITE) {
      if (user) error = ks::km::copyin(w, ks::km::curproc(w), ua, kbuf, c);
      else std::memcpy(kbuf, iov->iov_base, c);
    }
    size_t done = 0;
    if (!error) {
      bp->b_un.b_addr = kbuf;
      strat(bp);
      error = biowait(bp);
      done = bp->b_resid <= c ? c - bp->b_resid : 0;
      if ((rw & B_READ) && done > 0) {
        int e = 0;
        if (user) e = ks::km::copyout(w, ks::km::curproc(w), kbuf, ua, done);
        else std::memcpy(iov->iov_base, kbuf, done);
        if (!error) error = e;
      }
    }
    bp->b_un.b_addr = nullptr;
    bp->b_flags &= ~B_BUSY;
    ks::km::kmem_free(w, kbuf, c, "physio");
    iov->iov_base = static_cast<char*>(iov->iov_base) + done;
    iov->iov_len -= done;
    uio->uio_resid -= static_cast<ssize_t>(done);
    uio->uio_loffset += static_cast<offset_t>(done);
    if (done < c) break;  // a short transfer (end of the device) ends it
  }
  if (own) freerbuf(bp);
  return error;
}

int aphysio(int (*)(struct buf*), int (*)(struct buf*), dev_t, int, void (*)(struct buf*),
            struct aio_req*) {
  return ENOTSUP;
}

int anocancel(struct buf*) { return ENXIO; }

}  // extern "C"
