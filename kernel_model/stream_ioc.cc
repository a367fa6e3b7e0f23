// The ioctl helpers every SVR4 STREAMS system ships (illumos strsun):
// turning an M_IOCTL or M_IOCDATA into its ack, NAK, or copy request in
// place, and putting it back up.
#include <cstring>

#include "kernel_model/stream_ioc.h"
#include "kernel_model/stream_state.h"

namespace ks::km::str {

namespace {

void ack(World& w, ks_queue_t* wq, ks_mblk_t* mp, unsigned char type, int count, int rval,
         int error) {
  auto* ioc = reinterpret_cast<ks_iocblk_t*>(mp->b_rptr);
  mp->b_datap->db_type = type;
  ioc->ioc_count = size_t(count);
  ioc->ioc_rval = rval;
  ioc->ioc_error = error;
  if (type == KS_M_IOCNAK && mp->b_cont) {
    freemsg(w, mp->b_cont, "miocnak");
    mp->b_cont = nullptr;
  }
  qreply(w, wq, mp);
}

// The copy request's user address: the one given, or for a TRANSPARENT
// M_IOCTL the argument its b_cont holds.
char* user_addr(ks_mblk_t* mp, void* useraddr) {
  if (useraddr) return static_cast<char*>(useraddr);
  if (mp->b_cont && mp->b_cont->b_wptr - mp->b_cont->b_rptr >= ptrdiff_t(sizeof(char*))) {
    char* a;
    std::memcpy(&a, mp->b_cont->b_rptr, sizeof(a));
    return a;
  }
  return nullptr;
}

void request(ks_mblk_t* mp, unsigned char type, void* priv, size_t size, char* addr) {
  // The copyreq overlays the iocblk: cmd, cr and id stay where they are.
  auto* cq = reinterpret_cast<ks_copyreq_t*>(mp->b_rptr);
  cq->cq_private = static_cast<ks_mblk_t*>(priv);
  cq->cq_size = size;
  cq->cq_addr = addr;
  mp->b_wptr = mp->b_rptr + sizeof(ks_copyreq_t);
  mp->b_datap->db_type = type;
}

}  // namespace

void miocack(World& w, ks_queue_t* wq, ks_mblk_t* mp, int count, int rval) {
  ack(w, wq, mp, KS_M_IOCACK, count, rval, 0);
}

void miocnak(World& w, ks_queue_t* wq, ks_mblk_t* mp, int count, int error) {
  ack(w, wq, mp, KS_M_IOCNAK, count, 0, error);
}

void mcopyin(World& w, ks_mblk_t* mp, void* priv, size_t size, void* useraddr) {
  char* addr = user_addr(mp, useraddr);
  if (mp->b_cont) {
    freemsg(w, mp->b_cont, "mcopyin");
    mp->b_cont = nullptr;
  }
  request(mp, KS_M_COPYIN, priv, size, addr);
}

void mcopyout(World& w, ks_mblk_t* mp, void* priv, size_t size, void* useraddr, ks_mblk_t* dp) {
  char* addr = user_addr(mp, useraddr);
  if (dp) {
    if (mp->b_cont) freemsg(w, mp->b_cont, "mcopyout");
    mp->b_cont = dp;
    // mcopyout(9F) sets the data block's length to the copy's size
    // (illumos strsun.c: dp's b_wptr is its b_rptr + size), so a caller
    // that filled dp without moving b_wptr still copies `size` bytes.
    dp->b_wptr = dp->b_rptr + size;
  }
  request(mp, KS_M_COPYOUT, priv, size, addr);
}

int miocpullup(World& w, ks_mblk_t* mp, size_t size) {
  auto* ioc = reinterpret_cast<ks_iocblk_t*>(mp->b_rptr);
  if (ioc->ioc_count == KS_TRANSPARENT) return 22;  // EINVAL
  if (size == 0) return 0;
  if (!mp->b_cont || msgdsize(mp->b_cont) < size) return 22;
  return pullupmsg(w, mp->b_cont, ptrdiff_t(size)) ? 0 : 12;  // ENOMEM
}

void mioc2ack(World& w, ks_mblk_t* mp, ks_mblk_t* dp, size_t count, int rval) {
  auto* ioc = reinterpret_cast<ks_iocblk_t*>(mp->b_rptr);
  ks_mblk_t* old = mp->b_cont;
  mp->b_datap->db_type = KS_M_IOCACK;
  ioc->ioc_count = count;
  ioc->ioc_error = 0;
  ioc->ioc_rval = rval;
  mp->b_cont = dp;
  if (dp) dp->b_wptr = dp->b_rptr + count;
  if (old) freemsg(w, old, "mioc2ack");
}

ks_mblk_t* mexchange(World& w, ks_queue_t* wq, ks_mblk_t* mp, size_t size, unsigned char type,
                     int32_t primtype) {
  if (!mp || size_t(mp->b_datap->db_lim - mp->b_datap->db_base) < size ||
      mp->b_datap->db_ref > 1) {
    if (mp) freemsg(w, mp, "mexchange");
    mp = allocb(w, size, "mexchange");
    if (!mp) {
      // strsun.c: the stream is told with an M_ERROR of ENOSR, if even
      // one byte can be had.
      if (wq) {
        if (ks_mblk_t* e = allocb(w, 1, "mexchange")) merror(w, wq, e, 63 /* ENOSR */);
      }
      return nullptr;
    }
  }
  // b_cont is kept, as strsun.c keeps it.
  mp->b_datap->db_type = type;
  mp->b_rptr = mp->b_datap->db_base;
  mp->b_wptr = mp->b_rptr + size;
  if (primtype >= 0) std::memcpy(mp->b_rptr, &primtype, sizeof primtype);
  return mp;
}

void merror(World& w, ks_queue_t* wq, ks_mblk_t* mp, int error) {
  mp = mexchange(w, wq, mp, 1, KS_M_ERROR, -1);
  if (!mp) return;
  *mp->b_rptr = static_cast<unsigned char>(error);
  qreply(w, wq, mp);
}

}  // namespace ks::km::str
