// The stream head's ioctls: I_STR (a strioctl's command and data sent down
// as M_IOCTL, waited for ic_timout seconds of virtual time), every other
// command a TRANSPARENT M_IOCTL with its M_COPYIN/M_COPYOUT/M_IOCDATA
// exchange, I_PUSH/I_POP and I_FLUSH. One ioctl at a time per stream.
#include <cerrno>
#include <cstring>
#include <string>

#include "kernel_model/proc.h"
#include "kernel_model/stream_head.h"
#include "kernel_model/user_mem.h"

namespace ks::km::str {

namespace {

constexpr uint64_t kSecond = 1000000000ull;
constexpr int kStrTimeout = 15;   // seconds, an I_STR with ic_timout 0
constexpr int kInfTim = -1;       // wait forever
constexpr size_t kStrMsgSz = 65536;  // the largest ic_len taken

// struct strioctl as the caller's data model lays it out.
struct StrIoctl {
  int32_t cmd, timout, len;
  uint64_t dp;
};

int read_strioctl(World& w, Proc& p, uint64_t uaddr, bool ilp32, StrIoctl* s) {
  unsigned char b[24];
  size_t n = ilp32 ? 16 : 24;
  if (copyin(w, p, uaddr, b, n) != 0) return EFAULT;
  std::memcpy(&s->cmd, b, 4);
  std::memcpy(&s->timout, b + 4, 4);
  std::memcpy(&s->len, b + 8, 4);
  if (ilp32) {
    uint32_t dp;
    std::memcpy(&dp, b + 12, 4);
    s->dp = dp;
  } else {
    std::memcpy(&s->dp, b + 16, 8);
  }
  return 0;
}

int write_ic_len(World& w, Proc& p, uint64_t uaddr, int32_t len) {
  return copyout(w, p, &len, uaddr + 8, 4) ? EFAULT : 0;
}

// Waits until no other ioctl is in progress on s and takes the stream's
// ioctl slot with a fresh ioc_id.
int begin(World& w, Stream& s, unsigned* id) {
  w.mutex_enter(s.lock);
  while (s.ioc_busy) {
    if (w.cv_wait(s.cv_ioc, s.lock, true, 0) == EINTR) {
      w.mutex_exit(s.lock);
      return EINTR;
    }
  }
  s.ioc_busy = true;
  *id = ++s.ioc_next;
  if (*id == 0) *id = ++s.ioc_next;
  s.ioc_wait = *id;
  s.ioc_reply = nullptr;
  w.mutex_exit(s.lock);
  return 0;
}

void end(World& w, Stream& s) {
  w.mutex_enter(s.lock);
  s.ioc_busy = false;
  s.ioc_wait = 0;
  ks_mblk_t* late = s.ioc_reply;
  s.ioc_reply = nullptr;
  w.cv_signal(s.cv_ioc);
  w.mutex_exit(s.lock);
  if (late) freemsg(w, late, "strdoioctl");
}

// The next reply (ack, NAK or copy request) of the ioctl, or an error:
// ETIME when the deadline passes, EINTR, ENXIO on a hangup or close.
int await(World& w, Stream& s, uint64_t deadline, ks_mblk_t** out) {
  w.mutex_enter(s.lock);
  int rc = 0;
  while (!s.ioc_reply) {
    if (s.hangup || s.closing) { rc = ENXIO; break; }
    if (s.error) { rc = s.error; break; }
    int e = w.cv_wait(s.cv_ack, s.lock, true, deadline);
    if (e == ETIMEDOUT && !s.ioc_reply) { rc = ETIME; break; }
    if (e == EINTR && !s.ioc_reply) { rc = EINTR; break; }
  }
  *out = s.ioc_reply;
  s.ioc_reply = nullptr;
  if (rc) s.ioc_wait = 0;  // a late ack is now stale
  w.mutex_exit(s.lock);
  return rc;
}

ks_queue_t* head_wq(World& w, Stream& s) { return &state(w).pairs[s.pairs[0]].q[1]; }

// Sends the M_IOCTL down and serves its copy requests until the ack.
// `strdata`: the I_STR's data buffer for the ack's data (0: transparent).
int doioctl(World& w, Stream& s, ks_mblk_t* mp, uint64_t deadline, Proc& p, StrIoctl* str,
            int* rval) {
  putnext(w, head_wq(w, s), mp, "strdoioctl");
  for (;;) {
    ks_mblk_t* r = nullptr;
    int rc = await(w, s, deadline, &r);
    if (rc) return rc;
    unsigned char t = r->b_datap->db_type;
    if (t == KS_M_IOCACK || t == KS_M_IOCNAK) {
      auto* ioc = reinterpret_cast<ks_iocblk_t*>(r->b_rptr);
      int err = ioc->ioc_error;
      if (t == KS_M_IOCNAK) {
        // A NAK with no error is EINVAL (the stream head's rule).
        rc = err ? err : EINVAL;
      } else if (err) {
        rc = err;
      } else {
        *rval = ioc->ioc_rval;
        if (str && ioc->ioc_count != KS_TRANSPARENT) {
          // The ack's data back to ic_dp, ic_len set to what came back.
          size_t n = ioc->ioc_count;
          if (n > size_t(str->len)) n = size_t(str->len);
          size_t done = 0;
          for (ks_mblk_t* b = r->b_cont; b && done < n; b = b->b_cont) {
            size_t k = std::min(n - done, size_t(b->b_wptr - b->b_rptr));
            if (k && copyout(w, p, b->b_rptr, str->dp + done, k) != 0) {
              rc = EFAULT;
              break;
            }
            done += k;
          }
          str->len = int32_t(done);
        }
      }
      freemsg(w, r, "strdoioctl");
      return rc;
    }
    // M_COPYIN / M_COPYOUT: the copy, then the M_IOCDATA back down.
    auto* cq = reinterpret_cast<ks_copyreq_t*>(r->b_rptr);
    uint64_t uaddr = reinterpret_cast<uintptr_t>(cq->cq_addr);
    size_t size = cq->cq_size;
    int err = 0;
    ks_mblk_t* data = nullptr;
    if (t == KS_M_COPYIN) {
      if (r->b_cont) {
        freemsg(w, r->b_cont, "strdoioctl");
        r->b_cont = nullptr;
      }
      data = allocb_wait(w, size, "strdoioctl");
      if (size && copyin(w, p, uaddr, data->b_wptr, size) != 0) {
        err = EFAULT;
        freemsg(w, data, "strdoioctl");
        data = nullptr;
      } else {
        data->b_wptr += size;
      }
    } else {
      size_t done = 0;
      for (ks_mblk_t* b = r->b_cont; b && done < size; b = b->b_cont) {
        size_t k = std::min(size - done, size_t(b->b_wptr - b->b_rptr));
        if (k && copyout(w, p, b->b_rptr, uaddr + done, k) != 0) {
          err = EFAULT;
          break;
        }
        done += k;
      }
      if (r->b_cont) freemsg(w, r->b_cont, "strdoioctl");
      r->b_cont = nullptr;
    }
    // The copyreq becomes the copyresp in place (SVR4 overlays them).
    auto* cp = reinterpret_cast<ks_copyresp_t*>(r->b_rptr);
    cp->cp_rval = reinterpret_cast<char*>(uintptr_t(err));
    r->b_datap->db_type = KS_M_IOCDATA;
    r->b_cont = data;
    r->b_wptr = r->b_rptr + sizeof(ks_copyresp_t);
    if (err) {
      // The module frees it and must not ack: the ioctl ends here.
      w.mutex_enter(s.lock);
      s.ioc_wait = 0;
      w.mutex_exit(s.lock);
      putnext(w, head_wq(w, s), r, "strdoioctl");
      return err;
    }
    putnext(w, head_wq(w, s), r, "strdoioctl");
  }
}

ks_mblk_t* new_ioctl(World& w, int cmd, const Cred& cr, unsigned id, size_t count, int mode) {
  ks_mblk_t* mp = allocb_wait(w, sizeof(ks_iocblk_t) > sizeof(ks_copyreq_t)
                                     ? sizeof(ks_iocblk_t) : sizeof(ks_copyreq_t), "strdoioctl");
  mp->b_datap->db_type = KS_M_IOCTL;
  auto* ioc = reinterpret_cast<ks_iocblk_t*>(mp->b_rptr);
  std::memset(ioc, 0, sizeof(*ioc));
  ioc->ioc_cmd = cmd;
  ioc->ioc_cr = const_cast<Cred*>(&cr);
  ioc->ioc_id = id;
  ioc->ioc_count = count;
  ioc->ioc_flag = unsigned(mode & KS_IOC_MODELS);
  mp->b_wptr += sizeof(ks_iocblk_t);
  return mp;
}

int i_str(World& w, Stream& s, uint64_t arg, int mode, const Cred& cr, int* rval) {
  Proc& p = user_process(w, "ioctl");
  bool ilp32 = mode & KS_IOC_ILP32;
  StrIoctl str{};
  if (read_strioctl(w, p, arg, ilp32, &str)) return EFAULT;
  if (str.len < 0 || size_t(str.len) > kStrMsgSz || str.timout < kInfTim) return EINVAL;
  uint64_t deadline = 0;
  if (str.timout != kInfTim)
    deadline = w.sim().now() + uint64_t(str.timout ? str.timout : kStrTimeout) * kSecond;
  ks_mblk_t* data = nullptr;
  if (str.len > 0) {
    data = allocb_wait(w, size_t(str.len), "strdoioctl");
    if (copyin(w, p, str.dp, data->b_wptr, size_t(str.len)) != 0) {
      freemsg(w, data, "strdoioctl");
      return EFAULT;
    }
    data->b_wptr += str.len;
  }
  unsigned id;
  if (int rc = begin(w, s, &id)) {
    freemsg(w, data, "strdoioctl");
    return rc;
  }
  ks_mblk_t* mp = new_ioctl(w, str.cmd, cr, id, size_t(str.len), mode);
  mp->b_cont = data;
  int rc = doioctl(w, s, mp, deadline, p, &str, rval);
  end(w, s);
  if (rc == 0 && write_ic_len(w, p, arg, str.len)) rc = EFAULT;
  return rc;
}

int transparent(World& w, Stream& s, int64_t cmd, uint64_t arg, int mode, const Cred& cr,
                int* rval) {
  Proc& p = user_process(w, "ioctl");
  unsigned id;
  if (int rc = begin(w, s, &id)) return rc;
  ks_mblk_t* mp = new_ioctl(w, int(cmd), cr, id, KS_TRANSPARENT, mode);
  // The argument itself, as the caller passed it (an address or a value).
  ks_mblk_t* a = allocb_wait(w, sizeof(uintptr_t), "strdoioctl");
  uintptr_t v = uintptr_t(arg);
  std::memcpy(a->b_wptr, &v, sizeof(v));
  a->b_wptr += sizeof(v);
  mp->b_cont = a;
  int rc = doioctl(w, s, mp, 0, p, nullptr, rval);
  end(w, s);
  return rc;
}

int i_push(World& w, uint32_t si, uint64_t arg, int mode, const Cred& cr, const HeadParams& hp) {
  Proc& p = user_process(w, "ioctl");
  char name[64];
  size_t done = 0;
  size_t max = std::min<size_t>(hp.fmnamesz + 1, sizeof(name));
  int e = copyinstr(w, p, arg, name, max, &done);
  if (e == ENAMETOOLONG) return EINVAL;
  if (e) return EFAULT;
  StrState& st = state(w);
  const StrModule* m = nullptr;
  for (const StrModule* x : st.modules)
    if (x->name == name) m = x;
  if (!m) return EINVAL;
  plumb_begin(w, st.streams[si]);
  uint32_t pi = new_pair(w, si, m);
  auto& v = st.streams[si].pairs;
  v.insert(v.begin() + 1, pi);
  uint64_t dev = st.streams[si].dev;
  set_current_stream(w, si);
  int rc = call_open(w, pi, &dev, mode & (kFRead | kFWrite), 1 /* MODOPEN */, cr);
  if (rc) {
    if (st.pairs[pi].on) qprocsoff(w, &st.pairs[pi].q[0]);
    auto& v2 = st.streams[si].pairs;
    v2.erase(v2.begin() + 1);
    flushq(w, &st.pairs[pi].q[0], 1);
    flushq(w, &st.pairs[pi].q[1], 1);
    free_pair(w, pi);
  } else if (!st.pairs[pi].on) {
    qprocson(w, &st.pairs[pi].q[0]);
  }
  plumb_end(w, st.streams[si]);
  return rc;
}

int i_pop(World& w, uint32_t si, int mode, const Cred& cr) {
  StrState& st = state(w);
  plumb_begin(w, st.streams[si]);
  auto& v = st.streams[si].pairs;
  int rc = 0;
  if (v.size() <= 2) {
    rc = EINVAL;  // nothing pushed: only the driver is below the head
  } else {
    uint32_t pi = v[1];
    v.erase(v.begin() + 1);
    close_pair(w, si, pi, mode & (kFRead | kFWrite), cr);
  }
  plumb_end(w, st.streams[si]);
  return rc;
}

// I_FLUSH: an M_FLUSH down the stream with the caller's FLUSHR/FLUSHW
// bits (1, 2; 0 is taken and flushes nothing); each module and the driver
// flush and pass it on, the driver turns FLUSHR back up, and the head
// flushes its read side when it arrives (strrput). Then, as illumos's
// strioctl does (streamio.c, I_FLUSH), an ioctl no module knows (command
// -1, ic_timout 0) goes down behind it and the caller waits for its NAK:
// the M_FLUSH has come back up by then, even when a perimeter deferred it
// to a syncq. Its outcome is ignored; I_FLUSH answers 0.
int i_flush(World& w, Stream& s, uint64_t arg, int mode, const Cred& cr) {
  if (arg & ~uint64_t(3)) return EINVAL;
  ks_mblk_t* mp = allocb_wait(w, 1, "strflush");
  mp->b_datap->db_type = KS_M_FLUSH;
  *mp->b_wptr++ = static_cast<unsigned char>(arg);
  putnext(w, head_wq(w, s), mp, "strflush");
  unsigned id;
  if (begin(w, s, &id)) return 0;
  Proc& p = user_process(w, "ioctl");
  int rval = 0;
  (void)doioctl(w, s, new_ioctl(w, -1, cr, id, 0, mode),
                w.sim().now() + uint64_t(kStrTimeout) * kSecond, p, nullptr, &rval);
  end(w, s);
  return 0;
}

// I_SRDOPT: the read mode (RNORM, RMSGD, RMSGN), and the control-part
// handling if the argument names one (RPROTNORM, RPROTDAT, RPROTDIS).
int i_srdopt(World& w, Stream& s, uint64_t arg) {
  uint64_t mode = arg & KS_RMODEMASK, prot = arg & KS_RPROTMASK;
  if (mode == KS_RMODEMASK || (arg & ~uint64_t(KS_RMODEMASK | KS_RPROTMASK))) return EINVAL;
  if (prot && prot != KS_RPROTNORM && prot != KS_RPROTDAT && prot != KS_RPROTDIS) return EINVAL;
  w.mutex_enter(s.lock);
  s.readopt = uint16_t(mode | (prot ? prot : (s.readopt & KS_RPROTMASK)));
  w.mutex_exit(s.lock);
  return 0;
}

// I_GRDOPT: the read mode and control-part handling, an int at arg.
int i_grdopt(World& w, Stream& s, uint64_t arg) {
  int32_t v = s.readopt;
  Proc& p = user_process(w, "ioctl");
  return copyout(w, p, &v, arg, sizeof v) ? EFAULT : 0;
}

}  // namespace

int head_ioctl(void* cookie, uint64_t dev, int64_t cmd, uint64_t arg, int mode, const Cred& cr,
               int* rval) {
  World& w = *World::current();
  StrState& st = state(w);
  auto it = st.by_dev.find(dev);
  if (it == st.by_dev.end()) return ENXIO;
  uint32_t si = it->second;
  set_current_stream(w, si);
  Stream& s = st.streams[si];
  const HeadParams& hp = static_cast<const StrModule*>(cookie)->head;
  // Even on a hung-up stream (illumos checks only a stream error for
  // them). The 32 bits compared: an illumos int command may come
  // sign-extended.
  uint32_t c32 = static_cast<uint32_t>(cmd);
  if (hp.fionbio && (c32 == uint32_t(hp.fionbio) || c32 == uint32_t(hp.fioasync))) return 0;
  if (s.hangup) return ENXIO;
  *rval = 0;
  // A stream in error (M_ERROR) fails what would go downstream before it
  // is sent (illumos strioctl's access check).
  bool down = cmd == hp.i_str || (cmd != hp.i_push && cmd != hp.i_pop && cmd != hp.i_flush &&
                                  cmd != hp.i_srdopt && cmd != hp.i_grdopt);
  if (down && s.error) return s.error;
  if (cmd == hp.i_str) return i_str(w, s, arg, mode, cr, rval);
  if (cmd == hp.i_push) return i_push(w, si, arg, mode, cr, hp);
  if (cmd == hp.i_pop) return i_pop(w, si, mode, cr);
  if (cmd == hp.i_flush) return i_flush(w, s, arg, mode, cr);
  if (hp.i_srdopt && cmd == hp.i_srdopt) return i_srdopt(w, s, arg);
  if (hp.i_grdopt && cmd == hp.i_grdopt) return i_grdopt(w, s, arg);
  return transparent(w, s, cmd, arg, mode, cr, rval);
}

}  // namespace ks::km::str
