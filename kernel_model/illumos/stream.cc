// illumos STREAMS names onto the kernel model's STREAMS framework
// (kernel_model/stream*.{h,cc}): each routine here only translates, the
// semantics are the model's.
#include <cstdarg>
#include <cstddef>
#include <cstring>
#include <string>

#include "kernel_model/kernel_printf.h"

#include "kernel_model/stream_ioc.h"
#include "kernel_model/stream.h"
#include "kernel_model/illumos/dev_impl.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/ddi.h>
#include <sys/stream.h>
#include <sys/strsun.h>
#include <sys/stropts.h>
#include <sys/strlog.h>
#include <sys/filio.h>
#include <sys/conf.h>
}

void ks::km::illumos::set_streams_module(ks::km::str::StrModule& m, int flags) {
  using ks::km::str::Perimeter;
  m.flags = static_cast<uint32_t>(flags);
  // The inner perimeter from the MT flags; a module that is not D_MP at
  // all is taken as single-threaded per module.
  switch (flags & D_MTPERMOD) {
    case D_MTPERMOD: m.perimeter = Perimeter::kModule; break;
    case D_MTQPAIR: m.perimeter = Perimeter::kPair; break;
    case D_MTPERQ: m.perimeter = Perimeter::kQueue; break;
    default: m.perimeter = (flags & D_MP) ? Perimeter::kNone : Perimeter::kModule;
  }
  m.outer = (flags & D_MTOUTPERIM) != 0;
  m.oc_excl = m.outer && (flags & D_MTOCEXCL);
  m.put_shared = m.perimeter != Perimeter::kNone && (flags & D_MTPUTSHARED);
  m.head.i_str = I_STR;
  m.head.i_push = I_PUSH;
  m.head.i_pop = I_POP;
  m.head.i_flush = I_FLUSH;
  m.head.i_srdopt = I_SRDOPT;
  m.head.i_grdopt = I_GRDOPT;
  m.head.fionbio = FIONBIO;
  m.head.fioasync = FIOASYNC;
  m.head.fmnamesz = FMNAMESZ;
}

namespace km = ks::km;
namespace str = ks::km::str;

static_assert(sizeof(dev_t) == sizeof(uint64_t), "the model passes dev_t as a 64-bit dev");
// The three ioctl records overlay as illumos's LP64 <sys/stream.h> lays
// them out (read): drivers turn one into another in place and read a
// field through the other's name (cp_private is what cq_private was,
// ioc_flag is cq_flag and cp_flag). The model's records end in fillers
// illumos lacks (sizes 56, 56, 56 against 40, 48, 40): every block the
// model makes for one has room for all three, as illumos's union ioctypes.
static_assert(offsetof(struct iocblk, ioc_cmd) == 0 && offsetof(struct iocblk, ioc_cr) == 8 &&
                  offsetof(struct iocblk, ioc_id) == 16 &&
                  offsetof(struct iocblk, ioc_flag) == 20 &&
                  offsetof(struct iocblk, ioc_count) == 24 &&
                  offsetof(struct iocblk, ioc_rval) == 32 &&
                  offsetof(struct iocblk, ioc_error) == 36,
              "struct iocblk as illumos's LP64 one");
static_assert(offsetof(struct copyreq, cq_cmd) == 0 && offsetof(struct copyreq, cq_cr) == 8 &&
                  offsetof(struct copyreq, cq_id) == 16 &&
                  offsetof(struct copyreq, cq_flag) == 20 &&
                  offsetof(struct copyreq, cq_private) == 24 &&
                  offsetof(struct copyreq, cq_addr) == 32 &&
                  offsetof(struct copyreq, cq_size) == 40,
              "struct copyreq as illumos's LP64 one");
static_assert(offsetof(struct copyresp, cp_cmd) == 0 && offsetof(struct copyresp, cp_cr) == 8 &&
                  offsetof(struct copyresp, cp_id) == 16 &&
                  offsetof(struct copyresp, cp_flag) == 20 &&
                  offsetof(struct copyresp, cp_private) == 24 &&
                  offsetof(struct copyresp, cp_rval) == 32,
              "struct copyresp as illumos's LP64 one");
static_assert(sizeof(struct iocblk) >= 48 && sizeof(struct copyresp) >= 48,
              "each ioctl record has room for a copyreq");
static_assert(RNORM == KS_RNORM && RMSGD == KS_RMSGD && RMSGN == KS_RMSGN &&
                  RPROTDAT == KS_RPROTDAT && RPROTDIS == KS_RPROTDIS &&
                  RPROTNORM == KS_RPROTNORM,
              "illumos read modes are the model's");

namespace {
km::World& W() { return *km::World::current(); }
}

extern "C" {

mblk_t* allocb(size_t size, uint_t) { return str::allocb(W(), size, "allocb"); }
mblk_t* esballoc(unsigned char* base, size_t size, uint_t, frtn_t* fr) {
  return str::esballoc(W(), base, size, fr, "esballoc");
}
mblk_t* desballoc(unsigned char* base, size_t size, uint_t, frtn_t* fr) {
  return str::esballoc(W(), base, size, fr, "desballoc");
}
void freeb(mblk_t* mp) { str::freeb(W(), mp, "freeb"); }
void freemsg(mblk_t* mp) { str::freemsg(W(), mp, "freemsg"); }
mblk_t* dupb(mblk_t* mp) { return str::dupb(W(), mp); }
mblk_t* dupmsg(mblk_t* mp) { return str::dupmsg(W(), mp); }
mblk_t* copyb(mblk_t* mp) { return str::copyb(W(), mp); }
mblk_t* copymsg(mblk_t* mp) { return str::copymsg(W(), mp); }
int pullupmsg(mblk_t* mp, ssize_t len) { return str::pullupmsg(W(), mp, len); }
mblk_t* msgpullup(mblk_t* mp, ssize_t len) { return str::msgpullup(W(), mp, len); }
size_t msgdsize(mblk_t* mp) { return str::msgdsize(mp); }
size_t msgsize(mblk_t* mp) { return str::msgsize(mp); }
// strsun.c: every block's bytes into buf, then the message freed.
void mcopymsg(mblk_t* mp, void* buf) {
  unsigned char* d = static_cast<unsigned char*>(buf);
  for (mblk_t* b = mp; b; b = b->b_cont) {
    size_t n = static_cast<size_t>(b->b_wptr - b->b_rptr);
    if (n) std::memcpy(d, b->b_rptr, n);
    d += n;
  }
  str::freemsg(W(), mp, "mcopymsg");
}
void linkb(mblk_t* mp, mblk_t* bp) { str::linkb(mp, bp); }
mblk_t* unlinkb(mblk_t* mp) { return str::unlinkb(mp); }
bufcall_id_t bufcall(size_t size, uint_t, void (*fn)(void*), void* arg) {
  return static_cast<bufcall_id_t>(str::bufcall(W(), size, fn, arg));
}
void unbufcall(bufcall_id_t id) { str::unbufcall(W(), id); }

int putq(queue_t* q, mblk_t* mp) { return str::putq(W(), q, mp); }
int putbq(queue_t* q, mblk_t* mp) { return str::putbq(W(), q, mp); }
mblk_t* getq(queue_t* q) { return str::getq(W(), q); }
void flushq(queue_t* q, int flag) { str::flushq(W(), q, flag == FLUSHALL); }
void qenable(queue_t* q) { str::qenable(W(), q); }
void noenable(queue_t* q) { str::noenable(q); }
void enableok(queue_t* q) { str::enableok(q); }
int canput(queue_t* q) { return str::canput(W(), q); }
int canputnext(queue_t* q) { return str::canputnext(W(), q); }
int bcanput(queue_t* q, unsigned char pri) { return str::bcanput(W(), q, pri); }
int bcanputnext(queue_t* q, unsigned char pri) { return str::bcanputnext(W(), q, pri); }
void flushband(queue_t* q, unsigned char pri, int flag) {
  str::flushband(W(), q, pri, flag == FLUSHALL);
}
int insq(queue_t* q, mblk_t* emp, mblk_t* mp) { return str::insq(W(), q, emp, mp); }
void rmvq(queue_t* q, mblk_t* mp) { str::rmvq(W(), q, mp); }
int qsize(queue_t* q) { return str::qsize(W(), q); }
queue_t* backq(queue_t* q) { return str::backq(W(), q); }
void freezestr(queue_t* q) { str::freezestr(W(), q); }
void unfreezestr(queue_t* q) { str::unfreezestr(W(), q); }
int adjmsg(mblk_t* mp, ssize_t len) { return str::adjmsg(W(), mp, len); }
void putnext(queue_t* q, mblk_t* mp) { str::putnext(W(), q, mp, "putnext"); }
void qreply(queue_t* q, mblk_t* mp) { str::qreply(W(), q, mp); }
void qprocson(queue_t* q) { str::qprocson(W(), q); }
void qprocsoff(queue_t* q) { str::qprocsoff(W(), q); }
void put(queue_t* q, mblk_t* mp) { str::put(W(), q, mp); }
void qwriter(queue_t* q, mblk_t* mp, void (*fn)(), int perimeter) {
  // fn is (*)(queue_t *, mblk_t *) as qwriter(9F) calls it.
  auto cb = reinterpret_cast<void (*)(queue_t*, mblk_t*)>(fn);
  str::qwriter(W(), q, mp, cb, perimeter == PERIM_OUTER);
}
void qwait(queue_t* q) { (void)str::qwait(W(), q, false); }
int qwait_sig(queue_t* q) { return str::qwait(W(), q, true); }
queue_t* RD(queue_t* q) { return str::rd_q(q); }
queue_t* WR(queue_t* q) { return str::wr_q(q); }
queue_t* OTHERQ(queue_t* q) { return str::other_q(q); }

static mblk_t* ctl(int type, int with_param, int param) {
  mblk_t* mp = str::allocb(W(), 1, "putctl");
  if (!mp) return nullptr;
  mp->b_datap->db_type = static_cast<unsigned char>(type);
  if (with_param) *mp->b_wptr++ = static_cast<unsigned char>(param);
  return mp;
}
// putctl(9F): fails (0) for data messages and when no block can be had.
int putctl(queue_t* q, int type) {
  if (type == M_DATA || type == M_PROTO || type == M_PCPROTO) return 0;
  mblk_t* mp = ctl(type, 0, 0);
  if (!mp) return 0;
  str::put(W(), q, mp);
  return 1;
}
int putctl1(queue_t* q, int type, int p) {
  if (type == M_DATA || type == M_PROTO || type == M_PCPROTO) return 0;
  mblk_t* mp = ctl(type, 1, p);
  if (!mp) return 0;
  str::put(W(), q, mp);
  return 1;
}
int putnextctl(queue_t* q, int type) {
  if (type == M_DATA || type == M_PROTO || type == M_PCPROTO) return 0;
  mblk_t* mp = ctl(type, 0, 0);
  if (!mp) return 0;
  str::putnext(W(), q, mp, "putnextctl");
  return 1;
}
int putnextctl1(queue_t* q, int type, int p) {
  if (type == M_DATA || type == M_PROTO || type == M_PCPROTO) return 0;
  mblk_t* mp = ctl(type, 1, p);
  if (!mp) return 0;
  str::putnext(W(), q, mp, "putnextctl1");
  return 1;
}
// As timeout(9F), which it calls on illumos: at least one tick.
timeout_id_t qtimeout(queue_t* q, void (*fn)(void*), void* arg, clock_t ticks) {
  if (ticks <= 0) ticks = 1;
  uint64_t deadline = ks_now_ns() + static_cast<uint64_t>(ticks) * KS_NS_PER_TICK;
  return reinterpret_cast<timeout_id_t>(
      static_cast<uintptr_t>(str::qtimeout(W(), q, fn, arg, deadline)));
}
// The ticks left, rounded down as untimeout's are; 0 for a callback the
// cancel kept from running after the callout fired; -1 once it ran.
clock_t quntimeout(queue_t* q, timeout_id_t id) {
  int64_t left = str::quntimeout(W(), q, static_cast<uint64_t>(reinterpret_cast<uintptr_t>(id)));
  return left < 0 ? -1 : static_cast<clock_t>(left / KS_NS_PER_TICK);
}
bufcall_id_t qbufcall(queue_t* q, size_t size, uint_t, void (*fn)(void*), void* arg) {
  return static_cast<bufcall_id_t>(str::qbufcall(W(), q, size, fn, arg));
}
void qunbufcall(queue_t* q, bufcall_id_t id) { str::qunbufcall(W(), q, id); }

void miocack(queue_t* wq, mblk_t* mp, int count, int rval) {
  str::miocack(W(), wq, mp, count, rval);
}
void miocnak(queue_t* wq, mblk_t* mp, int count, int error) {
  str::miocnak(W(), wq, mp, count, error);
}
void mcopyin(mblk_t* mp, void* priv, size_t size, void* useraddr) {
  str::mcopyin(W(), mp, priv, size, useraddr);
}
void mcopyout(mblk_t* mp, void* priv, size_t size, void* useraddr, mblk_t* dp) {
  str::mcopyout(W(), mp, priv, size, useraddr, dp);
}
int miocpullup(mblk_t* mp, size_t size) { return str::miocpullup(W(), mp, size); }
void mioc2ack(mblk_t* mp, mblk_t* dp, size_t count, int rval) {
  str::mioc2ack(W(), mp, dp, count, rval);
}
mblk_t* mexchange(queue_t* wq, mblk_t* mp, size_t size, uchar_t type, int32_t primtype) {
  return str::mexchange(W(), wq, mp, size, type, primtype);
}
void merror(queue_t* wq, mblk_t* mp, int error) { str::merror(W(), wq, mp, error); }

// strlog(9F) (illumos os/printf.c): formatted as cmn_err formats, logged
// only for a logger that is listening; kernsim's one listener is the
// console (SL_CONSOLE). 1 whatever happened, as illumos answers.
int strlog(short mid, short sid, char level, unsigned short flags, char* fmt, ...) {
  if (!(flags & SL_CONSOLE)) return 1;
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  km::illumos_vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  W().log(std::string("strlog(") + std::to_string(mid) + "," + std::to_string(sid) + "," +
          std::to_string(int(level)) + "): " + buf);
  return 1;
}

}  // extern "C"
