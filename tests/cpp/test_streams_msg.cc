// STREAMS messages in the kernel model (kernel_model/stream_msg.cc): the
// utility routines' results as their manual pages give them, the free
// routine of a loaned buffer run at the last reference, and a double freeb
// reported as a double free.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "kernel_model/stream.h"
#include "kernel_model/world.h"
#include "sim/strategies/round_robin.h"

using namespace ks;
namespace str = ks::km::str;

namespace {

struct Results {
  size_t dsize = 0, dsize_after_pullup = 0, first_len_after_pullup = 0;
  int pullup_ok = 0, pullup_too_long = 1;
  int ref_after_dup = 0;
  int frees = 0, frees_after_dup_freed = -1;
  bool copy_is_separate = false;
  char pulled[8] = {};
};

Results* R;
int frees;
void count_free(void*) { frees++; }

void fill(ks_mblk_t* mp, const char* s) {
  size_t n = std::strlen(s);
  std::memcpy(mp->b_wptr, s, n);
  mp->b_wptr += n;
}

void body(void*) {
  km::World& w = *km::World::current();
  Results& r = *R;
  // A three-block message of 2 + 3 + 2 bytes, an M_PROTO block first
  // (msgdsize counts M_DATA only).
  ks_mblk_t* p = str::allocb(w, 4, "t");
  p->b_datap->db_type = KS_M_PROTO;
  fill(p, "pp");
  ks_mblk_t* a = str::allocb(w, 4, "t");
  fill(a, "abc");
  ks_mblk_t* b = str::allocb(w, 4, "t");
  fill(b, "de");
  str::linkb(p, a);
  str::linkb(p, b);
  r.dsize = str::msgdsize(p);
  // pullupmsg on the data part: all five bytes in the first block.
  ks_mblk_t* data = str::unlinkb(p);
  str::freeb(w, p, "t");
  r.pullup_too_long = str::pullupmsg(w, data, 6);
  r.pullup_ok = str::pullupmsg(w, data, -1);
  r.first_len_after_pullup = size_t(data->b_wptr - data->b_rptr);
  std::memcpy(r.pulled, data->b_rptr, r.first_len_after_pullup);
  r.dsize_after_pullup = str::msgdsize(data);
  ks_mblk_t* c = str::copymsg(w, data);
  c->b_rptr[0] = 'X';
  r.copy_is_separate = data->b_rptr[0] == 'a';
  str::freemsg(w, c, "t");
  str::freemsg(w, data, "t");

  // A loaned buffer: its free routine runs once, at the last reference.
  static unsigned char buf[16];
  static ks_frtn_t fr{count_free, nullptr};
  ks_mblk_t* l = str::esballoc(w, buf, sizeof(buf), &fr, "t");
  ks_mblk_t* d = str::dupb(w, l);
  r.ref_after_dup = l->b_datap->db_ref;
  str::freeb(w, l, "t");
  r.frees_after_dup_freed = frees;
  str::freeb(w, d, "t");
  r.frees = frees;
}

void double_free(void*) {
  km::World& w = *km::World::current();
  ks_mblk_t* mp = str::allocb(w, 8, "t");
  str::freeb(w, mp, "t");
  str::freeb(w, mp, "t");
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

TEST(StreamsMsg, UtilityRoutinesAsTheManualSays) {
  Results r;
  R = &r;
  frees = 0;
  sim::Failure f = run(body);
  EXPECT_FALSE(f) << f.message;
  EXPECT_EQ(r.dsize, 5u);
  EXPECT_EQ(r.pullup_too_long, 0);
  EXPECT_EQ(r.pullup_ok, 1);
  EXPECT_EQ(r.first_len_after_pullup, 5u);
  EXPECT_EQ(std::string(r.pulled, 5), "abcde");
  EXPECT_EQ(r.dsize_after_pullup, 5u);
  EXPECT_TRUE(r.copy_is_separate);
  EXPECT_EQ(r.ref_after_dup, 2);
  EXPECT_EQ(r.frees_after_dup_freed, 0);
  EXPECT_EQ(r.frees, 1);
}

TEST(StreamsMsg, DoubleFreebIsADoubleFree) {
  sim::Failure f = run(double_free);
  EXPECT_EQ(f.kind, sim::FailureKind::kMemory);
  EXPECT_NE(f.signature.find("streams:double_free"), std::string::npos) << f.signature;
}

namespace {
void leak(void*) {
  km::World& w = *km::World::current();
  ks_mblk_t* mp = str::allocb(w, 8, "allocb");
  fill(mp, "lost");
}
}  // namespace

TEST(StreamsMsg, AMessageNeverFreedIsALeakByTag) {
  sim::Failure f = run(leak);
  EXPECT_EQ(f.kind, sim::FailureKind::kMemory);
  EXPECT_NE(f.message.find("of tag allocb"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("of tag dblk"), std::string::npos) << f.message;
}

namespace {
struct PullupResults {
  size_t first_len = 0, rest_len = 0;
  unsigned char first_type = 0xff, rest_type = 0xff;
  char first[8] = {};
  bool original_kept = false, too_long_null = false, rest_shared = false;
};
PullupResults* PR;

// msgpullup(9F) (illumos stream.c, read): the leading blocks of the first
// block's type copied into one new block, the rest dupmsg'd behind it,
// the original unaltered; NULL when len asks for more than those hold.
void pullup_body(void*) {
  km::World& w = *km::World::current();
  PullupResults& r = *PR;
  ks_mblk_t* a = str::allocb(w, 4, "t");
  fill(a, "ab");
  ks_mblk_t* b = str::allocb(w, 4, "t");
  fill(b, "cde");
  ks_mblk_t* c = str::allocb(w, 4, "t");
  c->b_datap->db_type = KS_M_PROTO;
  fill(c, "pq");
  str::linkb(a, b);
  str::linkb(a, c);
  r.too_long_null = str::msgpullup(w, a, 6) == nullptr;
  ks_mblk_t* n = str::msgpullup(w, a, 3);
  r.first_len = size_t(n->b_wptr - n->b_rptr);
  r.first_type = n->b_datap->db_type;
  std::memcpy(r.first, n->b_rptr, r.first_len);
  r.rest_len = n->b_cont ? size_t(n->b_cont->b_wptr - n->b_cont->b_rptr) : 0;
  r.rest_type = n->b_cont ? n->b_cont->b_datap->db_type : 0xff;
  r.rest_shared = n->b_cont && n->b_cont->b_datap == c->b_datap && c->b_datap->db_ref == 2;
  r.original_kept = a->b_cont == b && b->b_cont == c && a->b_wptr - a->b_rptr == 2;
  str::freemsg(w, n, "t");
  str::freemsg(w, a, "t");
}
}  // namespace

TEST(StreamsMsg, MsgpullupCopiesTheLeadingBlocksOfOneType) {
  PullupResults r;
  PR = &r;
  sim::Failure f = run(pullup_body);
  EXPECT_FALSE(f) << f.message;
  EXPECT_TRUE(r.too_long_null);
  EXPECT_EQ(r.first_len, 5u);
  EXPECT_EQ(std::string(r.first, 5), "abcde");
  EXPECT_EQ(r.first_type, KS_M_DATA);
  EXPECT_EQ(r.rest_len, 2u);
  EXPECT_EQ(r.rest_type, KS_M_PROTO);
  EXPECT_TRUE(r.rest_shared);
  EXPECT_TRUE(r.original_kept);
}
