// The iofunc_* helpers: OCBs in the server's heap (kmem, tag iofunc_ocb,
// so one never closed is a leak at teardown), the attribute's recursive
// lock, and the default devctl, which knows only DCMD_ALL_GETFLAGS (the
// OCB's open mode) and leaves every other command to the caller
// (_RESMGR_DEFAULT). None of them checks a command against the open mode;
// iofunc_devctl_verify does when the handler asks. Reads and writes are the
// same: the library calls the handler whatever the open mode, and the
// handler's iofunc_read_verify/iofunc_write_verify refuses (EBADF). The
// default read and write are /dev/null's.
#include <fcntl.h>

#include <cerrno>
#include <cstring>

#include "kernel_model/kmem.h"
#include "kernel_model/qnx/state.h"

#include <cstdint>

using ks::km::World;
namespace q = ks::km::qnx;

extern "C" {

void iofunc_func_init(unsigned nconnect, resmgr_connect_funcs_t* connect, unsigned nio,
                      resmgr_io_funcs_t* io) {
  if (connect) {
    std::memset(connect, 0, sizeof *connect);
    connect->nfuncs = nconnect;
    connect->open = iofunc_open_default;
  }
  if (io) {
    std::memset(io, 0, sizeof *io);
    io->nfuncs = nio;
    io->read = iofunc_read_default;
    io->write = iofunc_write_default;
    io->close_ocb = iofunc_close_ocb_default;
    io->close_dup = iofunc_close_dup_default;
    io->devctl = iofunc_devctl_default;
    io->unblock = iofunc_unblock_default;
    io->lock_ocb = iofunc_lock_ocb_default;
    io->unlock_ocb = iofunc_unlock_ocb_default;
  }
}

void iofunc_attr_init(iofunc_attr_t* attr, mode_t mode, iofunc_attr_t*, struct _client_info*) {
  std::memset(attr, 0, sizeof *attr);
  attr->mode = mode;
  attr->nlink = 1;
  ks_mutex_init(&attr->lock, "iofunc_attr", KS_MTX_RECURSE, "&attr->lock");
}

int iofunc_time_update(iofunc_attr_t* attr) {
  const uint32_t now = static_cast<uint32_t>(ks_now_ns() / 1000000000u);
  if (attr->flags & IOFUNC_ATTR_MTIME) attr->mtime = now;
  if (attr->flags & IOFUNC_ATTR_ATIME) attr->atime = now;
  if (attr->flags & IOFUNC_ATTR_CTIME) attr->ctime = now;
  attr->flags &= ~(IOFUNC_ATTR_MTIME | IOFUNC_ATTR_ATIME | IOFUNC_ATTR_CTIME);
  return EOK;
}

int iofunc_attr_lock(iofunc_attr_t* attr) {
  ks_mutex_enter(&attr->lock, "&attr->lock");
  return EOK;
}

int iofunc_attr_unlock(iofunc_attr_t* attr) {
  ks_mutex_exit(&attr->lock, "&attr->lock");
  return EOK;
}

namespace {

// The mount's OCB allocator, when the resource manager gave one (the
// funcs table's nfuncs says which entries it has).
const iofunc_funcs_t* ocb_funcs(const iofunc_attr_t* attr) {
  return attr && attr->mount && attr->mount->funcs ? attr->mount->funcs : nullptr;
}

}  // namespace

iofunc_ocb_t* iofunc_ocb_calloc(resmgr_context_t* ctp, iofunc_attr_t* attr) {
  const iofunc_funcs_t* f = ocb_funcs(attr);
  if (f && f->nfuncs >= 1 && f->ocb_calloc) return f->ocb_calloc(ctp, attr);
  World& w = *World::current();
  return static_cast<iofunc_ocb_t*>(ks::km::kmem_alloc(
      w, sizeof(iofunc_ocb_t), ks::km::kKmemSleep | ks::km::kKmemZero, "iofunc_ocb"));
}

void iofunc_ocb_free(iofunc_ocb_t* ocb) {
  const iofunc_funcs_t* f = ocb_funcs(ocb->attr);
  if (f && f->nfuncs >= 2 && f->ocb_free) {
    f->ocb_free(ocb);
    return;
  }
  ks::km::kmem_free(*World::current(), ocb, sizeof(iofunc_ocb_t), "iofunc_ocb_free");
}

// No file locks are modelled, so no client waits on one of the library's:
// nothing to unblock.
int iofunc_unblock_default(resmgr_context_t*, io_pulse_t*, iofunc_ocb_t*) {
  return _RESMGR_DEFAULT;
}

int iofunc_close_dup(resmgr_context_t*, io_close_t*, iofunc_ocb_t*, iofunc_attr_t*) {
  return EOK;
}

int iofunc_close_dup_default(resmgr_context_t* ctp, io_close_t* msg, iofunc_ocb_t* ocb) {
  return iofunc_close_dup(ctp, msg, ocb, ocb->attr);
}

int iofunc_lock_ocb_default(resmgr_context_t*, void*, iofunc_ocb_t* ocb) {
  return iofunc_attr_lock(ocb->attr);
}

int iofunc_unlock_ocb_default(resmgr_context_t*, void*, iofunc_ocb_t* ocb) {
  return iofunc_attr_unlock(ocb->attr);
}

int iofunc_open_default(resmgr_context_t* ctp, io_open_t* msg, iofunc_attr_t* attr, void*) {
  World& w = *World::current();
  q::Attach* a = q::attach_of(w, ctp->id);
  iofunc_ocb_t* ocb = iofunc_ocb_calloc(ctp, attr);
  if (!ocb) return ENOMEM;
  ocb->attr = attr;
  ocb->ioflag = static_cast<int32_t>(msg->connect.ioflag);
  iofunc_attr_lock(attr);
  attr->count++;
  if (ocb->ioflag & _IO_FLAG_RD) attr->rcount++;
  if (ocb->ioflag & _IO_FLAG_WR) attr->wcount++;
  iofunc_attr_unlock(attr);
  a->ocbs[static_cast<uint32_t>(ctp->info.coid)] = ocb;
  return EOK;
}

int iofunc_close_ocb_default(resmgr_context_t*, void*, iofunc_ocb_t* ocb) {
  iofunc_attr_t* attr = ocb->attr;
  iofunc_attr_lock(attr);
  attr->count--;
  if (ocb->ioflag & _IO_FLAG_RD) attr->rcount--;
  if (ocb->ioflag & _IO_FLAG_WR) attr->wcount--;
  iofunc_attr_unlock(attr);
  iofunc_ocb_free(ocb);
  return EOK;
}

int iofunc_devctl(resmgr_context_t* ctp, io_devctl_t* msg, iofunc_ocb_t* ocb, iofunc_attr_t*) {
  if (static_cast<uint32_t>(msg->i.dcmd) != static_cast<uint32_t>(DCMD_ALL_GETFLAGS))
    return _RESMGR_DEFAULT;
  int flags = ocb->ioflag - 1;  // back to O_ACCMODE bits
  std::memset(&msg->o, 0, sizeof msg->o);
  std::memcpy(_DEVCTL_DATA(msg->o), &flags, sizeof flags);
  msg->o.nbytes = sizeof flags;
  return _RESMGR_PTR(ctp, &msg->o, sizeof msg->o + sizeof flags);
}

int iofunc_devctl_default(resmgr_context_t* ctp, io_devctl_t* msg, iofunc_ocb_t* ocb) {
  return iofunc_devctl(ctp, msg, ocb, ocb->attr);
}

int iofunc_devctl_verify(resmgr_context_t*, io_devctl_t*, iofunc_ocb_t* ocb, int flags) {
  if ((flags & _IO_DEVCTL_VERIFY_OCB_READ) && !(ocb->ioflag & _IO_FLAG_RD)) return EBADF;
  if ((flags & _IO_DEVCTL_VERIFY_OCB_WRITE) && !(ocb->ioflag & _IO_FLAG_WR)) return EBADF;
  return EOK;
}

namespace {

// The header the xtype puts after the message's (0: none, -1: an xtype
// this model does not know).
long xtype_header(uint32_t xtype) {
  switch (xtype & _IO_XTYPE_MASK) {
    case _IO_XTYPE_NONE: return 0;
    case _IO_XTYPE_OFFSET: return sizeof(struct _xtype_offset);
    default: return -1;
  }
}

// What read and write verify alike: the open mode, the xtype's header in
// the receive buffer, a one-shot offset that is not negative.
int rw_verify(resmgr_context_t* ctp, uint32_t xtype, size_t hdr, iofunc_ocb_t* ocb, int mode,
              int* nonblock) {
  if (!(ocb->ioflag & mode)) return EBADF;
  long extra = xtype_header(xtype);
  if (extra < 0) return ENOSYS;
  if (static_cast<long>(ctp->info.msglen) - ctp->offset < static_cast<long>(hdr) + extra)
    return EBADMSG;
  if ((xtype & _IO_XTYPE_MASK) == _IO_XTYPE_OFFSET) {
    struct _xtype_offset off;
    std::memcpy(&off, reinterpret_cast<const char*>(ctp->msg) + ctp->offset + hdr, sizeof off);
    if (off.offset < 0) return EINVAL;
  }
  // The open's O_NONBLOCK, unless this message's xtype says otherwise.
  if (nonblock)
    *nonblock = (xtype & _IO_XFLAG_NONBLOCK)  ? O_NONBLOCK
                : (xtype & _IO_XFLAG_BLOCK)   ? 0
                : (ocb->ioflag & O_NONBLOCK) ? O_NONBLOCK
                                              : 0;
  return EOK;
}

}  // namespace

int iofunc_read_verify(resmgr_context_t* ctp, io_read_t* msg, iofunc_ocb_t* ocb, int* nonblock) {
  return rw_verify(ctp, msg->i.xtype, sizeof msg->i, ocb, _IO_FLAG_RD, nonblock);
}

int iofunc_write_verify(resmgr_context_t* ctp, io_write_t* msg, iofunc_ocb_t* ocb,
                        int* nonblock) {
  int rc = rw_verify(ctp, msg->i.xtype, sizeof msg->i, ocb, _IO_FLAG_WR, nonblock);
  if (rc != EOK) return rc;
  // At least nbytes of data were sent (the client's whole message, not
  // only what the receive buffer took).
  long sent = static_cast<long>(ctp->info.srcmsglen) - ctp->offset -
              static_cast<long>(sizeof msg->i) - xtype_header(msg->i.xtype);
  if (msg->i.nbytes < 0 || sent < msg->i.nbytes) return EBADMSG;
  return EOK;
}

int iofunc_read_default(resmgr_context_t* ctp, io_read_t* msg, iofunc_ocb_t* ocb) {
  int rc = iofunc_read_verify(ctp, msg, ocb, nullptr);
  if (rc != EOK) return rc;
  _IO_SET_READ_NBYTES(ctp, 0);
  return EOK;
}

int iofunc_write_default(resmgr_context_t* ctp, io_write_t* msg, iofunc_ocb_t* ocb) {
  int rc = iofunc_write_verify(ctp, msg, ocb, nullptr);
  if (rc != EOK) return rc;
  _IO_SET_WRITE_NBYTES(ctp, msg->i.nbytes);
  return EOK;
}

void* ks_qnx_malloc(size_t n) {
  return ks::km::kmem_alloc(*World::current(), n ? n : 1, ks::km::kKmemSleep, "malloc");
}

void* ks_qnx_calloc(size_t n, size_t size) {
  if (size && n > SIZE_MAX / size) return nullptr;
  size_t t = n * size;
  return ks::km::kmem_alloc(*World::current(), t ? t : 1,
                            ks::km::kKmemSleep | ks::km::kKmemZero, "malloc");
}

void ks_qnx_free(void* p) {
  if (p) ks::km::kmem_free(*World::current(), p, SIZE_MAX, "free");
}

unsigned int ks_qnx_delay(unsigned int msec) {
  ks_delay_ns(uint64_t(msec) * 1000000u);
  return 0;
}

}  // extern "C"
