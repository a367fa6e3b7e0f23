// putmsg(2) and getmsg(2) at the stream head (SVR4): a message with a
// control part (M_PROTO, or M_PCPROTO for RS_HIPRI) and a data part
// (M_DATA) down the stream, and the first message at the head taken apart
// into the caller's two strbufs.
//
// Rules, as SVR4's manuals give them:
// - putmsg: a strbuf pointer of 0 or a len of -1 is no such part; a
//   control part longer than 1024 bytes (strctlsz) is ERANGE; RS_HIPRI
//   needs a control part (else EINVAL); neither part and no RS_HIPRI sends
//   nothing. An ordinary message waits for flow control as write does
//   (O_NDELAY: EAGAIN); a high-priority one never does.
// - getmsg: *flagsp 0 takes the first message, RS_HIPRI only a
//   high-priority one (waiting for one, O_NDELAY: EAGAIN). Each part goes
//   into its strbuf up to maxlen (maxlen -1 or a pointer of 0: that part
//   is not taken); len is -1 for a part the message does not have. What
//   does not fit stays at the head and the result says so (MORECTL,
//   MOREDATA); *flagsp says whether the message was high priority.
#include <cerrno>
#include <cstring>

#include "kernel_model/proc.h"
#include "kernel_model/stream_head.h"
#include "kernel_model/user_mem.h"

namespace ks::km::str {

namespace {

constexpr int kRsHipri = 1;
constexpr int kMoreCtl = 1, kMoreData = 2;
constexpr int32_t kStrCtlSz = 1024;

// struct strbuf { int maxlen; int len; char *buf; } in the caller's model.
struct StrBuf {
  int32_t maxlen = -1, len = -1;
  uint64_t buf = 0;
};

int read_strbuf(World& w, Proc& p, uint64_t uaddr, bool ilp32, StrBuf* b) {
  unsigned char raw[16] = {};
  size_t n = ilp32 ? 12 : 16;
  if (copyin(w, p, uaddr, raw, n)) return EFAULT;
  std::memcpy(&b->maxlen, raw, 4);
  std::memcpy(&b->len, raw + 4, 4);
  if (ilp32) {
    uint32_t v;
    std::memcpy(&v, raw + 8, 4);
    b->buf = v;
  } else {
    std::memcpy(&b->buf, raw + 8, 8);
  }
  return 0;
}

// A block of type `t` holding len bytes copied from the user's buf.
int user_block(World& w, Proc& p, const StrBuf& b, unsigned char t, ks_mblk_t** out) {
  ks_mblk_t* mp = allocb_wait(w, size_t(b.len), "strputmsg");
  mp->b_datap->db_type = t;
  if (b.len && copyin(w, p, b.buf, mp->b_wptr, size_t(b.len))) {
    freemsg(w, mp, "strputmsg");
    return EFAULT;
  }
  mp->b_wptr += b.len;
  *out = mp;
  return 0;
}

int s_putmsg(void*, uint64_t dev, uint64_t ctlp, uint64_t datap, int flags, int fmode,
             const Cred&) {
  World& w = *World::current();
  Stream* s = find_stream(w, dev);
  if (!s) return ENXIO;
  if (s->hangup) return ENXIO;
  if (s->error) return s->error;
  if (flags != 0 && flags != kRsHipri) return EINVAL;
  Proc& p = user_process(w, "putmsg");
  bool ilp32 = fmode & kFIlp32;
  StrBuf ctl, data;
  if (ctlp && read_strbuf(w, p, ctlp, ilp32, &ctl)) return EFAULT;
  if (datap && read_strbuf(w, p, datap, ilp32, &data)) return EFAULT;
  bool has_ctl = ctlp && ctl.len >= 0, has_data = datap && data.len >= 0;
  if ((ctlp && ctl.len < -1) || (datap && data.len < -1)) return EINVAL;
  if (flags == kRsHipri && !has_ctl) return EINVAL;
  if (has_ctl && ctl.len > kStrCtlSz) return ERANGE;
  if (!has_ctl && !has_data) return 0;
  StrState& st = state(w);
  uint32_t si = st.by_dev.find(dev)->second;
  ks_queue_t* wq = &st.pairs[st.streams[si].pairs[0]].q[1];
  if (flags != kRsHipri)
    if (int e = head_wait_room(w, si, fmode)) return e;
  ks_mblk_t* mp = nullptr;
  ks_mblk_t* dp = nullptr;
  if (has_ctl) {
    int e = user_block(w, p, ctl, flags == kRsHipri ? KS_M_PCPROTO : KS_M_PROTO, &mp);
    if (e) return e;
  }
  if (has_data) {
    int e = user_block(w, p, data, KS_M_DATA, &dp);
    if (e) {
      if (mp) freemsg(w, mp, "strputmsg");
      return e;
    }
    if (mp) linkb(mp, dp); else mp = dp;
  }
  putnext(w, wq, mp, "strputmsg");
  return 0;
}

bool is_ctl(const ks_mblk_t* b) {
  unsigned char t = b->b_datap->db_type;
  return t == KS_M_PROTO || t == KS_M_PCPROTO;
}

// Copies up to maxlen bytes of the blocks of one part (control or data)
// out to b.buf, consuming them; the bytes left of that part are counted.
int take_part(World& w, Proc& p, ks_mblk_t* mp, bool ctl, StrBuf* b, size_t* left) {
  int32_t got = 0;
  bool any = false;
  *left = 0;
  for (ks_mblk_t* x = mp; x; x = x->b_cont) {
    if (is_ctl(x) != ctl) continue;
    any = true;
    size_t have = size_t(x->b_wptr - x->b_rptr);
    size_t room = b->maxlen > got ? size_t(b->maxlen - got) : 0;
    size_t n = have < room ? have : room;
    if (n && copyout(w, p, x->b_rptr, b->buf + uint64_t(got), n)) return EFAULT;
    x->b_rptr += n;
    got += int32_t(n);
    *left += have - n;
  }
  b->len = any ? got : -1;
  return 0;
}

// The message without its control (or data) blocks, which are freed.
ks_mblk_t* drop_part(World& w, ks_mblk_t* mp, bool ctl) {
  ks_mblk_t* head = nullptr;
  ks_mblk_t** link = &head;
  while (mp) {
    ks_mblk_t* next = mp->b_cont;
    mp->b_cont = nullptr;
    if (is_ctl(mp) == ctl) {
      freeb(w, mp, "strgetmsg");
    } else {
      *link = mp;
      link = &mp->b_cont;
    }
    mp = next;
  }
  return head;
}

int write_len(World& w, Proc& p, uint64_t strbuf, int32_t len) {
  return copyout(w, p, &len, strbuf + 4, 4) ? EFAULT : 0;
}

int s_getmsg(void*, uint64_t dev, uint64_t ctlp, uint64_t datap, uint64_t flagsp, int fmode,
             const Cred&, int* rval) {
  World& w = *World::current();
  Stream* s = find_stream(w, dev);
  if (!s) return ENXIO;
  Proc& p = user_process(w, "getmsg");
  bool ilp32 = fmode & kFIlp32;
  int32_t want = 0;
  if (!flagsp || copyin(w, p, flagsp, &want, 4)) return EFAULT;
  if (want != 0 && want != kRsHipri) return EINVAL;
  StrBuf ctl, data;
  if (ctlp && read_strbuf(w, p, ctlp, ilp32, &ctl)) return EFAULT;
  if (datap && read_strbuf(w, p, datap, ilp32, &data)) return EFAULT;
  StrState& st = state(w);
  ks_queue_t* rq = &st.pairs[s->pairs[0]].q[0];
  auto ready = [&] {
    ks_mblk_t* f = rq->q_first;
    return f && (want == 0 || f->b_datap->db_type >= KS_QPCTL);
  };
  w.mutex_enter(s->lock);
  while (!ready()) {
    if (s->error) {
      int e = s->error;
      w.mutex_exit(s->lock);
      return e;
    }
    if (s->hangup || s->closing) {
      // Hung up: an empty message, both parts of length 0.
      w.mutex_exit(s->lock);
      int32_t zero = 0;
      if (ctlp && ctl.maxlen >= 0 && write_len(w, p, ctlp, 0)) return EFAULT;
      if (datap && data.maxlen >= 0 && write_len(w, p, datap, 0)) return EFAULT;
      return copyout(w, p, &zero, flagsp, 4) ? EFAULT : 0;
    }
    if (fmode & (kFNdelay | kFNonblock)) {
      w.mutex_exit(s->lock);
      return EAGAIN;
    }
    if (w.cv_wait(s->cv_read, s->lock, true, 0) == EINTR) {
      w.mutex_exit(s->lock);
      return EINTR;
    }
  }
  ks_mblk_t* mp = getq(w, rq);
  w.mutex_exit(s->lock);
  int32_t hipri = mp->b_datap->db_type >= KS_QPCTL ? kRsHipri : 0;
  size_t ctl_left = 0, data_left = 0;
  int rc = 0;
  bool take_ctl = ctlp && ctl.maxlen >= 0, take_data = datap && data.maxlen >= 0;
  StrBuf c = ctl, d = data;
  if (take_ctl) rc = take_part(w, p, mp, true, &c, &ctl_left);
  else for (ks_mblk_t* x = mp; x; x = x->b_cont) if (is_ctl(x)) ctl_left += size_t(x->b_wptr - x->b_rptr) + 1;
  if (!rc && take_data) rc = take_part(w, p, mp, false, &d, &data_left);
  else if (!rc) for (ks_mblk_t* x = mp; x; x = x->b_cont) if (!is_ctl(x)) data_left += size_t(x->b_wptr - x->b_rptr) + 1;
  if (!rc && take_ctl) rc = write_len(w, p, ctlp, c.len);
  if (!rc && take_data) rc = write_len(w, p, datap, d.len);
  if (!rc && copyout(w, p, &hipri, flagsp, 4)) rc = EFAULT;
  if (!rc && (ctl_left || data_left)) {
    // What was not taken stays first in line: a part taken whole goes (a
    // message left with data only is an M_DATA one), the type is kept.
    if (take_ctl && !ctl_left) mp = drop_part(w, mp, true);
    if (take_data && !data_left) mp = drop_part(w, mp, false);
    w.mutex_enter(s->lock);
    putbq(w, rq, mp);
    w.mutex_exit(s->lock);
    *rval = (ctl_left ? kMoreCtl : 0) | (data_left ? kMoreData : 0);
    return 0;
  }
  freemsg(w, mp, "strgetmsg");
  *rval = 0;
  return rc;
}

}  // namespace

void set_msgio(DevOps& ops) {
  ops.putmsg = s_putmsg;
  ops.getmsg = s_getmsg;
}

}  // namespace ks::km::str
