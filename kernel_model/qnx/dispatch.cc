// The dispatch layer and thread pools onto the kernel model: a dispatch is
// a channel (msg_channel.h); a thread pool is the model's pool
// (msg_server.h) whose threads block in dispatch_block (MsgReceive into the
// context's buffer) and run dispatch_handler. The handler finds the
// function the message asks for (the attach's connect or I/O table: open,
// read, write, devctl, close; the OCB bound to the client's connection;
// the iofunc_*_default where the table has none) and replies as its return value
// says: _RESMGR_NOREPLY nothing, _RESMGR_DEFAULT ENOSYS, an errno a short
// reply (EOK: MsgReply with ctp->status), _RESMGR_NPARTS(n) ctp->iov[0..n).
#include <cerrno>
#include <cstring>
#include <string>

#include "kernel_model/kmem.h"
#include "kernel_model/msg_channel.h"
#include "kernel_model/msg_server.h"
#include "kernel_model/qnx/state.h"

using ks::km::World;
namespace q = ks::km::qnx;

namespace {

constexpr unsigned kDefaultMsgMax = 2048;  // a context's receive buffer

q::Attach* attach_for(World& w, const resmgr_context_t* ctp) {
  auto& m = q::state(w).attach_of_coid;
  auto it = m.find(static_cast<uint32_t>(ctp->info.coid));
  return it == m.end() ? nullptr : q::attach_of(w, it->second);
}

// An I/O handler runs between the table's lock_ocb and unlock_ocb (by
// default iofunc_lock_ocb_default: the attribute's lock), so the messages
// of one resource are handled one at a time unless the resource manager
// overrides them ("Locking and unlocking the attribute structure",
// Writing a Resource Manager). A NULL entry takes no lock.
struct OcbLock {
  resmgr_context_t* ctp;
  const resmgr_io_funcs_t* io;
  iofunc_ocb_t* ocb;
  OcbLock(resmgr_context_t* c, const resmgr_io_funcs_t* f, iofunc_ocb_t* o)
      : ctp(c), io(f), ocb(o) {
    if (!io) iofunc_lock_ocb_default(ctp, nullptr, ocb);
    else if (io->lock_ocb) io->lock_ocb(ctp, nullptr, ocb);
  }
  void unlock() {
    if (!ocb) return;
    if (!io) iofunc_unlock_ocb_default(ctp, nullptr, ocb);
    else if (io->unlock_ocb) io->unlock_ocb(ctp, nullptr, ocb);
    ocb = nullptr;
  }
  ~OcbLock() { unlock(); }
};

int io_message(resmgr_context_t* ctp, q::Attach* a, iofunc_ocb_t* ocb, uint16_t type) {
  switch (type) {
    // No open-mode check here: QNX leaves it to the handler's verify.
    case _IO_READ:
      if (ctp->info.msglen < static_cast<int32_t>(sizeof(struct _io_read))) return EBADMSG;
      if (!a->io || !a->io->read) return iofunc_read_default(ctp, &ctp->msg->read, ocb);
      return a->io->read(ctp, &ctp->msg->read, ocb);
    case _IO_WRITE:
      if (ctp->info.msglen < static_cast<int32_t>(sizeof(struct _io_write))) return EBADMSG;
      if (!a->io || !a->io->write) return iofunc_write_default(ctp, &ctp->msg->write, ocb);
      return a->io->write(ctp, &ctp->msg->write, ocb);
    case _IO_DEVCTL:
      if (ctp->info.msglen < static_cast<int32_t>(sizeof(struct _io_devctl))) return EBADMSG;
      if (!a->io || !a->io->devctl) return iofunc_devctl_default(ctp, &ctp->msg->devctl, ocb);
      return a->io->devctl(ctp, &ctp->msg->devctl, ocb);
    default:
      return _RESMGR_DEFAULT;
  }
}

// The last close's close_ocb, without the lock since it frees the OCB;
// its ctp->rcvid is 0 (it answers no message of its own).
void close_ocb(resmgr_context_t* ctp, q::Attach* a, iofunc_ocb_t* ocb) {
  const int rcvid = ctp->rcvid;
  ctp->rcvid = 0;
  if (a->io && a->io->close_ocb) a->io->close_ocb(ctp, nullptr, ocb);
  else iofunc_close_ocb_default(ctp, nullptr, ocb);
  ctp->rcvid = rcvid;
}

// A close of the OCB bound to coid, a client's _IO_CLOSE or the one the
// library fakes for a connection its client's process dropped (ctp->rcvid
// 0: nothing can be replied to it). The library unbinds the OCB first (a
// later message on the connection finds none: EBADF), then calls the
// table's close_dup, unlocked (QNX 7.0's Getting Started, "close_dup": the
// framework runs it without locking the OCB; 7.1's Writing a Resource
// Manager, "Unblocking if someone closes a file descriptor", takes the lock
// in its own close_dup), holding the OCB as a handler does; whatever
// close_dup said (the library counts the closes itself), the last close's
// close_ocb runs once neither it nor any other message that found the OCB
// is still handled. Returns close_dup's answer. (Also read in the published
// QNX library source, vocho/openqnx lib/c/resmgr: _resmgr_io_handler runs
// an _IO_CLOSE's function unlocked after removing the binding; each handler
// holds a count on the binding and close_ocb, with rcvid 0, runs when the
// last count goes; _resmgr_disconnect_handler fakes an _IO_CLOSE for each
// binding of the dead client's connection.)
int close_dup(resmgr_context_t* ctp, q::Attach* a, uint32_t coid, iofunc_ocb_t* ocb) {
  auto* msg = reinterpret_cast<io_close_t*>(ctp->msg);
  a->ocbs.erase(coid);
  a->inflight[coid]++;
  int rc = a->io && a->io->close_dup ? a->io->close_dup(ctp, msg, ocb)
                                     : iofunc_close_dup_default(ctp, msg, ocb);
  if (--a->inflight[coid] == 0) {
    a->inflight.erase(coid);
    close_ocb(ctp, a, ocb);
  } else {
    a->close_pending[coid] = ocb;  // the last handler on it closes it (handle)
  }
  return rc;
}

// *closing: an OCB whose close_ocb was left to this message's end (after
// its reply), the close having come while it was handled.
int handle(resmgr_context_t* ctp, q::Attach* a, iofunc_ocb_t** closing) {
  const uint16_t type = ctp->msg->type;
  const uint32_t coid = static_cast<uint32_t>(ctp->info.coid);
  if (type == _IO_CONNECT) {
    if (ctp->info.msglen < static_cast<int32_t>(sizeof(io_open_t))) return EBADMSG;
    if (!a->connect || !a->connect->open) return ENOSYS;
    return a->connect->open(ctp, &ctp->msg->open, a->handle, nullptr);
  }
  auto it = a->ocbs.find(coid);
  if (it == a->ocbs.end()) return EBADF;  // no open on this connection
  iofunc_ocb_t* ocb = it->second;
  if (type == _IO_CLOSE) return close_dup(ctp, a, coid, ocb);
  a->inflight[coid]++;
  int rc;
  {
    OcbLock lock(ctp, a->io, ocb);
    rc = io_message(ctp, a, ocb, type);
  }
  if (--a->inflight[coid] == 0) {
    a->inflight.erase(coid);
    auto p = a->close_pending.find(coid);
    if (p != a->close_pending.end()) {
      *closing = p->second;
      a->close_pending.erase(p);
    }
  }
  return rc;
}

// Returns what the reply itself gave: 0, or ESRCH when the client is gone.
int reply(World& w, resmgr_context_t* ctp, int rc, unsigned nparts_max) {
  uint32_t rcvid = static_cast<uint32_t>(ctp->rcvid);
  if (rc == _RESMGR_NOREPLY) return 0;
  if (rc == _RESMGR_DEFAULT) return ks::km::msg_error(w, rcvid, ENOSYS);
  if (rc > 0) return ks::km::msg_error(w, rcvid, rc);
  if (rc == 0) return ks::km::msg_reply(w, rcvid, ctp->status, nullptr, 0);
  unsigned n = static_cast<unsigned>(-rc);
  if (n > nparts_max)
    w.misuse("a resource manager handler returned _RESMGR_NPARTS(" + std::to_string(n) +
                 ") with only " + std::to_string(nparts_max) + " iov in its context",
             "resmgr:nparts_over_max");
  ks::km::MsgPart parts[8];
  for (unsigned i = 0; i < n && i < 8; i++) parts[i] = {ctp->iov[i].iov_base, ctp->iov[i].iov_len};
  return ks::km::msg_reply(w, rcvid, ctp->status, parts, static_cast<int>(n < 8 ? n : 8));
}

// The kernel's unblock pulse for a client REPLY-blocked on one of our
// connections (a signal reached it): the library calls the OCB's unblock
// handler with ctp->rcvid the client's, and replies as its return says;
// _RESMGR_DEFAULT (iofunc_unblock_default's answer when the library had
// nothing of the client's) leaves the client blocked, for the server to
// answer when it will. A client blocked in its open has no OCB yet: the
// connect table's unblock, not modelled, and its default is none.
void unblock(World& w, resmgr_context_t* ctp, q::Attach* a, const struct _pulse& pu) {
  if (!a || a->detached) return;
  auto it = a->ocbs.find(static_cast<uint32_t>(ctp->info.coid));
  if (it == a->ocbs.end()) return;
  ctp->id = a->id;
  ctp->rcvid = pu.value.sival_int;
  int rc = a->io && a->io->unblock
               ? a->io->unblock(ctp, reinterpret_cast<io_pulse_t*>(ctp->msg), it->second)
               : iofunc_unblock_default(ctp, reinterpret_cast<io_pulse_t*>(ctp->msg),
                                        it->second);
  if (rc != _RESMGR_DEFAULT) reply(w, ctp, rc, a->nparts_max);
}

// The kernel's disconnect pulse: the client's process died with this
// connection open (Programmer's Guide, "Detecting client termination": a
// resource manager's close_dup and close_ocb run when a client terminates
// for any reason). The library fakes an _IO_CLOSE for the OCB, with
// ctp->rcvid 0 (Getting Started, close_dup: replying to it, or leaving it
// blocked, fails). Each open is its own connection here, so a pulse names
// one OCB; QNX's names the process's connection, whose OCBs all close.
void disconnect(resmgr_context_t* ctp, q::Attach* a) {
  if (!a || a->detached) return;
  const uint32_t coid = static_cast<uint32_t>(ctp->info.coid);
  auto it = a->ocbs.find(coid);
  if (it == a->ocbs.end()) return;
  io_close_t m;
  std::memset(&m, 0, sizeof m);
  m.i.type = _IO_CLOSE;
  std::memcpy(ctp->msg, &m, sizeof m);
  ctp->id = a->id;
  ctp->rcvid = 0;
  ctp->info.msglen = sizeof m;
  ctp->size = sizeof m;
  close_dup(ctp, a, coid, it->second);
}

void* pool_alloc(void* h) { return dispatch_context_alloc(static_cast<dispatch_t*>(h)); }
void pool_free(void* c) { dispatch_context_free(static_cast<dispatch_context_t*>(c)); }
void* pool_block(void* c) { return dispatch_block(static_cast<dispatch_context_t*>(c)); }
void pool_handler(void* c) { dispatch_handler(static_cast<dispatch_context_t*>(c)); }
void pool_unblock(void* h) {
  auto* d = static_cast<dispatch_t*>(h);
  ks::km::msg_channel_destroy(*d->w, d->chid);
}

}  // namespace

extern "C" {

dispatch_t* dispatch_create(void) {
  World& w = *World::current();
  q::QnxState& s = q::state(w);
  _dispatch& d = s.dispatches.emplace_back();
  d.w = &w;
  d.chid = ks::km::msg_channel_create(w, "dispatch");
  // A resource manager's channel is told of unblocks (_NTO_CHF_UNBLOCK)
  // and of clients that went away (_NTO_CHF_DISCONNECT, which the library
  // turns into closes): the flags the published dispatch library
  // (vocho/openqnx lib/c/dispatch/dispatch.c) creates its channel with.
  ks::km::msg_channel_notify_unblock(w, d.chid);
  ks::km::msg_channel_notify_disconnect(w, d.chid);
  return &d;
}

int dispatch_destroy(dispatch_t* dpp) {
  if (!dpp || dpp->destroyed) {
    errno = EINVAL;
    return -1;
  }
  dpp->destroyed = true;
  ks::km::msg_channel_destroy(*dpp->w, dpp->chid);
  return 0;
}

dispatch_context_t* dispatch_context_alloc(dispatch_t* dpp) {
  World& w = *dpp->w;
  unsigned max = kDefaultMsgMax, nparts = 1;
  for (q::Attach& a : q::state(w).attaches)
    if (a.dpp == dpp) {
      if (a.msg_max_size > max) max = a.msg_max_size;
      if (a.nparts_max > nparts) nparts = a.nparts_max;
    }
  size_t sz = sizeof(resmgr_context_t) + (nparts - 1) * sizeof(iov_t);
  auto* ctp = static_cast<resmgr_context_t*>(
      ks::km::kmem_alloc(w, sz, ks::km::kKmemSleep | ks::km::kKmemZero, "dispatch_context"));
  ctp->msg = static_cast<resmgr_iomsgs_t*>(
      ks::km::kmem_alloc(w, max, ks::km::kKmemSleep, "dispatch_context"));
  ctp->dpp = dpp;
  ctp->msg_max_size = max;
  return ctp;
}

void dispatch_context_free(dispatch_context_t* ctp) {
  World& w = *ctp->dpp->w;
  ks::km::kmem_free(w, ctp->msg, ctp->msg_max_size, "dispatch_context_free");
  ks::km::kmem_free(w, ctp, ks::km::kmem_size(w, ctp), "dispatch_context_free");
}

dispatch_context_t* dispatch_block(dispatch_context_t* ctp) {
  World& w = *ctp->dpp->w;
  ks::km::MsgInfo info;
  int64_t rcvid = ks::km::msg_receive(w, ctp->dpp->chid, ctp->msg, ctp->msg_max_size, &info);
  if (rcvid < 0) return nullptr;
  ctp->rcvid = static_cast<int>(rcvid);
  std::memset(&ctp->info, 0, sizeof ctp->info);
  if (info.pulse) {
    // A pulse in the receive buffer, as MsgReceive leaves one.
    struct _pulse pu;
    std::memset(&pu, 0, sizeof pu);
    pu.code = info.code;
    pu.value.sival_int = static_cast<int>(info.value);
    pu.scoid = static_cast<int32_t>(info.coid);
    std::memcpy(ctp->msg, &pu, sizeof pu);
    ctp->info.coid = static_cast<int32_t>(info.coid);
    ctp->info.scoid = static_cast<int32_t>(info.coid);
    ctp->info.chid = static_cast<int32_t>(ctp->dpp->chid);
    ctp->info.msglen = sizeof pu;
    return ctp;
  }
  ctp->info.pid = static_cast<pid_t>(info.pid);
  ctp->info.tid = static_cast<int32_t>(info.tid);
  ctp->info.chid = static_cast<int32_t>(ctp->dpp->chid);
  ctp->info.coid = static_cast<int32_t>(info.coid);
  ctp->info.scoid = static_cast<int32_t>(info.coid);
  ctp->info.msglen = static_cast<int32_t>(info.msglen);
  ctp->info.srcmsglen = static_cast<int32_t>(info.srcmsglen);
  ctp->info.dstmsglen = static_cast<int32_t>(info.dstmsglen);
  return ctp;
}

int dispatch_handler(dispatch_context_t* ctp) {
  World& w = *ctp->dpp->w;
  q::Attach* a = attach_for(w, ctp);
  ctp->status = 0;
  ctp->offset = 0;
  ctp->size = ctp->info.msglen;
  if (ctp->rcvid == 0) {
    struct _pulse pu;
    std::memcpy(&pu, ctp->msg, sizeof pu);
    if (pu.code == _PULSE_CODE_UNBLOCK) unblock(w, ctp, a, pu);
    else if (pu.code == _PULSE_CODE_DISCONNECT) disconnect(ctp, a);
    return 0;
  }
  if (!a || a->detached) {
    ks::km::msg_error(w, static_cast<uint32_t>(ctp->rcvid), EBADF);
    return 0;
  }
  ctp->id = a->id;
  const bool open = ctp->msg->type == _IO_CONNECT;
  iofunc_ocb_t* closing = nullptr;
  int rc = handle(ctp, a, &closing);
  const int replied = reply(w, ctp, rc, a->nparts_max);
  if (closing) close_ocb(ctp, a, closing);
  if (replied == ESRCH && open && rc == EOK) {
    // The client died waiting for its open: nobody will close this OCB,
    // so the library does, as for a connection that went away.
    auto it = a->ocbs.find(static_cast<uint32_t>(ctp->info.coid));
    if (it != a->ocbs.end()) {
      iofunc_ocb_t* ocb = it->second;
      a->ocbs.erase(it);
      close_ocb(ctp, a, ocb);
    }
  }
  return 0;
}

void dispatch_unblock(dispatch_context_t* ctp) { pool_unblock(ctp->dpp); }

thread_pool_t* thread_pool_create(thread_pool_attr_t* attr, unsigned flags) {
  World& w = *World::current();
  // POOL_FLAG_EXIT_SELF: the caller (a resource manager's main) ends once
  // thread_pool_start has started the pool, which here is the start
  // function returning: thread_pool_start returns to it. USE_SELF would
  // make the caller a pool thread that never returns: refused, since the
  // start function must return.
  if (!attr || !attr->handle || (flags & POOL_FLAG_USE_SELF)) {
    errno = EINVAL;
    return nullptr;
  }
  if (attr->block_func != dispatch_block || attr->handler_func != dispatch_handler ||
      attr->context_alloc != dispatch_context_alloc ||
      attr->context_free != dispatch_context_free)
    ks_not_modelled("thread_pool_create with functions other than the dispatch_*");
  ks::km::PoolAttr pa;
  pa.lo_water = attr->lo_water;
  pa.increment = attr->increment;
  pa.hi_water = attr->hi_water;
  pa.maximum = static_cast<int>(attr->maximum);
  ks::km::PoolOps ops;
  ops.handle = attr->handle;
  ops.context_alloc = pool_alloc;
  ops.context_free = pool_free;
  ops.block = pool_block;
  ops.handler = pool_handler;
  ops.unblock = pool_unblock;
  uint32_t id = ks::km::pool_create(w, "resmgr", pa, ops);
  if (!id) {
    errno = EINVAL;
    return nullptr;
  }
  _thread_pool& p = q::state(w).pools.emplace_back();
  p.w = &w;
  p.id = id;
  p.dpp = attr->handle;
  p.attr = *attr;
  return &p;
}

int thread_pool_start(void* pool) {
  auto* p = static_cast<thread_pool_t*>(pool);
  if (!p) {
    errno = EINVAL;
    return -1;
  }
  ks::km::pool_start(*p->w, p->id);
  return 0;
}

int thread_pool_destroy(thread_pool_t* p) {
  ks::km::pool_destroy(*p->w, p->id);
  return 0;
}

}  // extern "C"
