// STREAMS message utilities that need no stream (kernel_model/stream_msg.cc,
// stream_ioc.cc): adjmsg trimming from the head and the tail across
// b_cont (illumos stream.c, read), mexchange reusing a block it can and
// replacing one it cannot (strsun.c, read), mioc2ack's ack in place.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "kernel_model/stream.h"
#include "kernel_model/stream_ioc.h"
#include "kernel_model/world.h"
#include "sim/strategies/round_robin.h"

using namespace ks;
namespace str = ks::km::str;

namespace {

ks_mblk_t* block(km::World& w, const char* s, unsigned char type = KS_M_DATA) {
  size_t n = std::strlen(s);
  ks_mblk_t* mp = str::allocb(w, n ? n : 1, "t");
  mp->b_datap->db_type = type;
  std::memcpy(mp->b_wptr, s, n);
  mp->b_wptr += n;
  return mp;
}

std::string text(const ks_mblk_t* mp) {
  std::string s;
  for (; mp; mp = mp->b_cont) s.append(reinterpret_cast<char*>(mp->b_rptr), size_t(mp->b_wptr - mp->b_rptr)) += '|';
  return s;
}

struct AdjResults {
  std::string head, tail, proto_tail;
  int too_long = -1, head_ok = 0, tail_ok = 0, proto_ok = 0;
};
AdjResults* AR;

void adj_body(void*) {
  km::World& w = *km::World::current();
  AdjResults& r = *AR;
  // "ab" "cde" "f": 4 from the head leaves the first block (emptied, kept)
  // and "e" "f"; the emptied second block is freed.
  ks_mblk_t* m = block(w, "ab");
  str::linkb(m, block(w, "cde"));
  str::linkb(m, block(w, "f"));
  r.too_long = str::adjmsg(w, m, 7);
  r.head_ok = str::adjmsg(w, m, 4);
  r.head = text(m);
  str::freemsg(w, m, "t");
  // "ab" "cd" "e": 2 from the tail: "e" freed, "cd" to "c".
  m = block(w, "ab");
  str::linkb(m, block(w, "cd"));
  str::linkb(m, block(w, "e"));
  r.tail_ok = str::adjmsg(w, m, -2);
  r.tail = text(m);
  str::freemsg(w, m, "t");
  // M_PROTO "hdr" then M_DATA "data": the tail of the leading M_PROTO run.
  m = block(w, "hdr", KS_M_PROTO);
  str::linkb(m, block(w, "data"));
  r.proto_ok = str::adjmsg(w, m, -2);
  r.proto_tail = text(m);
  str::freemsg(w, m, "t");
}

struct ExResults {
  bool reused = false, replaced = false, cont_kept = false;
  unsigned char type = 0;
  int32_t prim = 0;
  size_t len = 0;
  size_t ack_count = 0;
  int ack_rval = 0;
  unsigned char ack_type = 0;
  size_t ack_data_len = 0;
};
ExResults* XR;

void ex_body(void*) {
  km::World& w = *km::World::current();
  ExResults& r = *XR;
  ks_mblk_t* m = block(w, "12345678");
  m->b_rptr += 2;
  ks_mblk_t* tail = block(w, "t");
  m->b_cont = tail;
  ks_mblk_t* x = str::mexchange(w, nullptr, m, 8, KS_M_PCPROTO, 0x1234);
  r.reused = x == m;
  r.cont_kept = x->b_cont == tail;
  r.type = x->b_datap->db_type;
  std::memcpy(&r.prim, x->b_rptr, 4);
  r.len = size_t(x->b_wptr - x->b_rptr);
  // a block shared (dupb) cannot be reused
  ks_mblk_t* d = str::dupb(w, x);
  ks_mblk_t* y = str::mexchange(w, nullptr, d, 4, KS_M_PROTO, -1);
  r.replaced = y != d && y->b_datap != x->b_datap;
  str::freemsg(w, y, "t");
  str::freemsg(w, x, "t");

  // mioc2ack: M_IOCACK in place, the data block's length set to count,
  // the old b_cont freed.
  ks_mblk_t* ioc = str::allocb(w, sizeof(ks_iocblk_t), "t");
  std::memset(ioc->b_rptr, 0, sizeof(ks_iocblk_t));
  ioc->b_wptr += sizeof(ks_iocblk_t);
  ioc->b_datap->db_type = KS_M_IOCTL;
  ioc->b_cont = block(w, "old");
  ks_mblk_t* dp = str::allocb(w, 16, "t");
  str::mioc2ack(w, ioc, dp, 12, 7);
  auto* iocp = reinterpret_cast<ks_iocblk_t*>(ioc->b_rptr);
  r.ack_type = ioc->b_datap->db_type;
  r.ack_count = iocp->ioc_count;
  r.ack_rval = iocp->ioc_rval;
  r.ack_data_len = size_t(ioc->b_cont->b_wptr - ioc->b_cont->b_rptr);
  str::freemsg(w, ioc, "t");
}

sim::Failure run(void (*fn)(void*)) {
  sim::StackPool pool;
  sim::RoundRobin rr;
  km::World w(pool, rr, {});
  w.spawn("t", fn, nullptr);
  w.run();
  return w.sim().failure();
}

}  // namespace

TEST(StreamsUtil, AdjmsgTrimsTheLeadingRunFromEitherEnd) {
  AdjResults r;
  AR = &r;
  sim::Failure f = run(adj_body);
  EXPECT_FALSE(f) << f.message;
  EXPECT_EQ(r.too_long, 0);
  EXPECT_EQ(r.head_ok, 1);
  EXPECT_EQ(r.head, "|e|f|");
  EXPECT_EQ(r.tail_ok, 1);
  EXPECT_EQ(r.tail, "ab|c|");
  EXPECT_EQ(r.proto_ok, 1);
  EXPECT_EQ(r.proto_tail, "h|data|");
}

TEST(StreamsUtil, MexchangeReusesOrReplacesAndMioc2ackAcksInPlace) {
  ExResults r;
  XR = &r;
  sim::Failure f = run(ex_body);
  EXPECT_FALSE(f) << f.message;
  EXPECT_TRUE(r.reused);
  EXPECT_TRUE(r.cont_kept);
  EXPECT_EQ(r.type, KS_M_PCPROTO);
  EXPECT_EQ(r.prim, 0x1234);
  EXPECT_EQ(r.len, 8u);
  EXPECT_TRUE(r.replaced);
  EXPECT_EQ(r.ack_type, KS_M_IOCACK);
  EXPECT_EQ(r.ack_count, 12u);
  EXPECT_EQ(r.ack_rval, 7);
  EXPECT_EQ(r.ack_data_len, 12u);
}
