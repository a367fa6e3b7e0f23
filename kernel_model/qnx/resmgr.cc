// resmgr_attach onto the device switch: the path becomes a node whose
// entry points are a QNX client's library. open() is a connection to the
// dispatch's channel and an _IO_CONNECT message; the connection's number is
// the open's minor, so every later call names its OCB. ioctl() is devctl():
// the dcmd's direction and size say what is sent (the header, then the
// data for __DIOT) and how big the reply buffer is (the header, then the
// user's buffer for __DIOF, which keeps whatever the server does not
// write); the server's ENOSYS (an unhandled command) is ENOTTY to the
// caller. read() and write() are _IO_READ and _IO_WRITE messages (a_rw).
// close() is an _IO_CLOSE message, then the connection goes.
#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "kernel_model/msg_channel.h"
#include "kernel_model/proc.h"
#include "kernel_model/qnx/state.h"
#include "kernel_model/world.h"

using ks::km::World;
namespace q = ks::km::qnx;

namespace {

constexpr int kSigkill = 9;
constexpr size_t kDevctlMax = 0x3fff;  // the size field of a dcmd
constexpr size_t kRwMax = 16384;       // a read's or write's data per message

q::Attach* A(void* cookie) { return static_cast<q::Attach*>(cookie); }

// The OCB's ioflag is the client's open flags with the access mode plus
// one (_IO_FLAG_RD, _IO_FLAG_WR); O_NONBLOCK stays as it is, so the
// server's iofunc_read_verify tells a client that must not block.
uint32_t ioflag_of(int kf) {
  uint32_t f = 0;
  if (kf & ks::km::kFRead) f |= _IO_FLAG_RD;
  if (kf & ks::km::kFWrite) f |= _IO_FLAG_WR;
  if (kf & (ks::km::kFNdelay | ks::km::kFNonblock)) f |= O_NONBLOCK;
  return f;
}

int a_open(void* cookie, uint64_t* dev, int flags, bool, const ks::km::Cred&) {
  q::Attach* a = A(cookie);
  World& w = *a->w;
  if (a->detached || a->dpp->destroyed) return ENOENT;
  uint32_t coid = ks::km::msg_connect(w, a->dpp->chid);
  q::state(w).attach_of_coid[coid] = a->id;
  io_open_t msg;
  std::memset(&msg, 0, sizeof msg);
  msg.connect.type = _IO_CONNECT;
  msg.connect.subtype = _IO_CONNECT_OPEN;
  msg.connect.ioflag = ioflag_of(flags);
  struct _io_connect_link_reply {
    uint32_t reserved[4];
  } rep;
  size_t replied = 0;
  int64_t st = ks::km::msg_send(w, coid, &msg, sizeof msg, &rep, sizeof rep, &replied, kSigkill);
  if (st < 0) {
    ks::km::msg_disconnect(w, coid);
    return static_cast<int>(-st);
  }
  *dev = ks::km::makedev64(ks::km::major64(*dev), coid);
  return 0;
}

// A killed process's files close as it exits (proc_thread_killed): its
// library sends nothing; the kernel detaches each connection and the
// server's channel gets a disconnect pulse, from which the server's library
// makes the close (dispatch.cc). So does a close() whose _IO_CLOSE a
// signal took off the queue before the server received it: the client's
// library detaches the connection all the same. (A killed process whose
// exit is left to the teardown, one of its threads never having left the
// kernel, closes with messages: the run has failed already, and the
// server's pool must still be there to answer.)
int a_close(void* cookie, uint64_t dev, int, bool, const ks::km::Cred&) {
  q::Attach* a = A(cookie);
  World& w = *a->w;
  uint32_t coid = ks::km::minor64(dev);
  const ks::km::Proc* p = ks::km::curproc_or_null(w);
  if (p && p->dies) {
    ks::km::msg_disconnect_notify(w, coid);
    return 0;
  }
  io_close_t msg;
  std::memset(&msg, 0, sizeof msg);
  msg.i.type = _IO_CLOSE;
  size_t replied = 0;
  bool received = false;
  int64_t st =
      ks::km::msg_send(w, coid, &msg, sizeof msg, nullptr, 0, &replied, kSigkill, &received);
  if (st == -EINTR && !received) {
    ks::km::msg_disconnect_notify(w, coid);
    return EINTR;
  }
  ks::km::msg_disconnect(w, coid);
  return st < 0 && st != -EBADF ? static_cast<int>(-st) : 0;
}

// read() and write(): one _IO_READ or _IO_WRITE message on the open's
// connection. pread()/pwrite() send _IO_XTYPE_OFFSET with their offset
// after the header; plain ones _IO_XTYPE_NONE, and the server uses (and
// moves) its OCB's offset. A read's reply lands in a buffer of nbytes and
// the bytes replied go to the user's buffer (the rest of it stays as it
// was: QNX replies straight into it); a write sends the data after the
// headers. Either way the reply's status is the count. Nothing here checks
// the open mode (the node says driver_checks_rw_mode): the server's handler
// does, or does not.
int a_rw(void* cookie, uint64_t dev, ks::km::UserIo& io, const ks::km::Cred&) {
  World& w = *A(cookie)->w;
  // One message carries at most kRwMax bytes (the buffer is on the
  // client's fiber stack): a longer call moves that much and returns the
  // short count, as a device may.
  const size_t nbytes = io.resid < kRwMax ? static_cast<size_t>(io.resid) : kRwMax;
  constexpr size_t hdr = sizeof(struct _io_read);
  static_assert(sizeof(struct _io_read) == sizeof(struct _io_write));
  const size_t xhdr = io.positional ? sizeof(struct _xtype_offset) : 0;
  alignas(16) unsigned char buf[sizeof(struct _io_write) + sizeof(struct _xtype_offset) + kRwMax];
  auto* h = reinterpret_cast<struct _io_write*>(buf);  // _io_read's layout too
  std::memset(buf, 0, hdr + xhdr);
  h->type = io.write ? _IO_WRITE : _IO_READ;
  h->combine_len = static_cast<uint16_t>(hdr + xhdr);
  h->nbytes = static_cast<int32_t>(nbytes);
  h->xtype = io.positional ? _IO_XTYPE_OFFSET : _IO_XTYPE_NONE;
  if (io.positional) {
    struct _xtype_offset off{io.offset};
    std::memcpy(buf + hdr, &off, sizeof off);
  }
  size_t replied = 0;
  int64_t st;
  if (io.write) {
    if (nbytes && ks_copyin(io.uaddr, buf + hdr + xhdr, nbytes) != 0) return EFAULT;
    st = ks::km::msg_send(w, ks::km::minor64(dev), buf, hdr + xhdr + nbytes, nullptr, 0,
                          &replied, kSigkill);
  } else {
    // The headers are sent before the reply overwrites them: the kernel
    // copies the message to the server first.
    alignas(16) unsigned char smsg[sizeof(struct _io_read) + sizeof(struct _xtype_offset)];
    std::memcpy(smsg, buf, hdr + xhdr);
    st = ks::km::msg_send(w, ks::km::minor64(dev), smsg, hdr + xhdr, buf, nbytes, &replied,
                          kSigkill);
    if (st >= 0 && replied && ks_copyout(buf, io.uaddr, replied) != 0) return EFAULT;
  }
  if (st < 0) return static_cast<int>(-st);
  io.resid -= static_cast<uint64_t>(st) < nbytes ? static_cast<uint64_t>(st) : nbytes;
  return 0;
}

int a_ioctl(void* cookie, uint64_t dev, int64_t cmd, uint64_t arg, int, const ks::km::Cred&,
            int* rval) {
  q::Attach* a = A(cookie);
  World& w = *a->w;
  const uint32_t dcmd = static_cast<uint32_t>(cmd);
  const uint32_t dir = get_device_direction(dcmd);
  const size_t size = (dcmd >> 16) & kDevctlMax;
  const size_t nbytes = dir ? size : 0;
  const size_t hdr = sizeof(struct _io_devctl);
  // On the fiber's stack: a client abandoned while blocked leaves nothing.
  alignas(16) unsigned char smsg[sizeof(struct _io_devctl) + kDevctlMax];
  alignas(16) unsigned char rmsg[sizeof(struct _io_devctl_reply) + kDevctlMax];
  auto* h = reinterpret_cast<struct _io_devctl*>(smsg);
  std::memset(h, 0, hdr);
  h->type = _IO_DEVCTL;
  h->combine_len = static_cast<uint16_t>(hdr);
  h->dcmd = static_cast<int32_t>(dcmd);
  h->nbytes = static_cast<uint32_t>(nbytes);
  size_t slen = hdr, rlen = sizeof(struct _io_devctl_reply);
  std::memset(rmsg, 0, rlen);
  if ((dir & _POSIX_DEVDIR_TO) && nbytes) {
    if (ks_copyin(arg, smsg + hdr, nbytes) != 0) return EFAULT;
    slen += nbytes;
  }
  if ((dir & _POSIX_DEVDIR_FROM) && nbytes) {
    // The reply lands in the caller's own buffer: what the server does not
    // write stays as it was.
    if (ks_copyin(arg, rmsg + rlen, nbytes) != 0) return EFAULT;
    rlen += nbytes;
  }
  size_t replied = 0;
  int64_t st = ks::km::msg_send(w, ks::km::minor64(dev), smsg, slen, rmsg, rlen, &replied,
                                kSigkill);
  if (st < 0) return st == -ENOSYS ? ENOTTY : static_cast<int>(-st);
  auto* r = reinterpret_cast<struct _io_devctl_reply*>(rmsg);
  *rval = replied >= 8 ? r->ret_val : 0;
  const size_t rh = sizeof(struct _io_devctl_reply);
  if ((dir & _POSIX_DEVDIR_FROM) && replied > rh &&
      ks_copyout(rmsg + rh, arg, replied - rh) != 0)
    return EFAULT;
  return 0;
}

}  // namespace

extern "C" {

int resmgr_attach(dispatch_t* dpp, resmgr_attr_t* attr, const char* path, enum _file_type,
                  unsigned, const resmgr_connect_funcs_t* connect_funcs,
                  const resmgr_io_funcs_t* io_funcs, RESMGR_HANDLE_T* handle) {
  World& w = *World::current();
  if (!dpp || dpp->destroyed || !path || std::strncmp(path, "/dev/", 5) != 0 ||
      ks::km::devsw_lookup(w, path)) {
    errno = !path || std::strncmp(path, "/dev/", 5) ? EINVAL : EEXIST;
    return -1;
  }
  q::QnxState& s = q::state(w);
  q::Attach& a = s.attaches.emplace_back();
  a.w = &w;
  a.id = static_cast<int>(s.attaches.size());
  a.dpp = dpp;
  a.path = path;
  a.connect = connect_funcs;
  a.io = io_funcs;
  a.handle = handle;
  a.msg_max_size = attr && attr->msg_max_size ? attr->msg_max_size : 0;
  a.nparts_max = attr && attr->nparts_max ? attr->nparts_max : 1;
  ks::km::DevOps ops{&a, a_open, a_close, a_rw, a_rw, a_ioctl};
  // Every open is its own connection, so every close reaches the server.
  ops.close_rule = ks::km::CloseRule::kEvery;
  // close() sends its _IO_CLOSE at once, even while another thread of the
  // client is REPLY-blocked on the same connection: the server answers it.
  ops.close_waits_calls = false;
  ops.remove_hint = "resmgr_detach at stop";
  // A read or write reaches the server whatever the open mode.
  ops.driver_checks_rw_mode = true;
  ops.fionbio = ks::km::FionbioRule::kDriverOnly;  // the server's own devctl
  ks::km::DevNode& n = ks::km::devsw_add_node(w, a.path, s.major, 0, false, ops);
  n.owner = "resmgr";
  a.node = &n;
  return a.id;
}

int resmgr_detach(dispatch_t* dpp, int id, unsigned) {
  World& w = *dpp->w;
  q::Attach* a = q::attach_of(w, id);
  if (!a || a->dpp != dpp || a->detached) {
    errno = EINVAL;
    return -1;
  }
  a->detached = true;
  ks::km::devsw_remove_node(w, a->path);
  return 0;
}

ssize_t resmgr_msgread(resmgr_context_t* ctp, void* msg, size_t nbytes, size_t offset) {
  return MsgRead(ctp->rcvid, msg, nbytes, offset + static_cast<size_t>(ctp->offset));
}

ssize_t resmgr_msgwrite(resmgr_context_t* ctp, const void* msg, size_t nbytes, size_t offset) {
  return MsgWrite(ctp->rcvid, msg, nbytes, offset);
}

int MsgReply(int rcvid, long status, const void* msg, size_t bytes) {
  ks::km::MsgPart p{msg, bytes};
  int e = ks::km::msg_reply(*World::current(), static_cast<uint32_t>(rcvid), status, &p,
                            msg ? 1 : 0);
  if (e) errno = e;
  return e ? -1 : 0;
}

int MsgReplyv(int rcvid, long status, const iov_t* riov, size_t rparts) {
  ks::km::MsgPart p[8];
  size_t n = rparts < 8 ? rparts : 8;
  for (size_t i = 0; i < n; i++) p[i] = {riov[i].iov_base, riov[i].iov_len};
  int e = ks::km::msg_reply(*World::current(), static_cast<uint32_t>(rcvid), status, p,
                            static_cast<int>(n));
  if (e) errno = e;
  return e ? -1 : 0;
}

int MsgError(int rcvid, int error) {
  int e = ks::km::msg_error(*World::current(), static_cast<uint32_t>(rcvid), error);
  if (e) errno = e;
  return e ? -1 : 0;
}

ssize_t MsgRead(int rcvid, void* msg, size_t bytes, size_t offset) {
  int64_t n = ks::km::msg_read(*World::current(), static_cast<uint32_t>(rcvid), msg, bytes,
                               offset);
  if (n < 0) errno = static_cast<int>(-n);
  return n < 0 ? -1 : static_cast<ssize_t>(n);
}

ssize_t MsgWrite(int rcvid, const void* msg, size_t bytes, size_t offset) {
  int64_t n = ks::km::msg_write(*World::current(), static_cast<uint32_t>(rcvid), msg, bytes,
                                offset);
  if (n < 0) errno = static_cast<int>(-n);
  return n < 0 ? -1 : static_cast<ssize_t>(n);
}

}  // extern "C"
