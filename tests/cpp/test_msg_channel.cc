// Message passing (kernel_model/msg_channel.h): the SEND, REPLY and
// RECEIVE states show in a hang report by those names; a signal takes a
// SEND-blocked sender off the queue, only the kill signal ends a
// REPLY-blocked one (and the server's reply then finds no one: ESRCH);
// reads and writes of a message stop at what the client gave.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "kernel_model/msg_channel.h"
#include "kernel_model/msg_server.h"
#include "kernel_model/proc.h"
#include "kernel_model/world.h"
#include "kernsim/abi.h"
#include "sim/strategies/round_robin.h"

using namespace ks;

namespace {

struct Rig {
  km::World* w = nullptr;
  uint32_t chid = 0, coid = 0;
  int64_t sent = 1, received = 1, replied = 1;
  size_t got = 0;
  char reply[8] = {};
  bool serve = true;   // the server replies (else it waits for more work)
  int kill_sig = 9;
};

void client(void* a) {
  Rig& r = *static_cast<Rig*>(a);
  const char msg[] = "ping";
  r.sent = km::msg_send(*r.w, r.coid, msg, sizeof msg, r.reply, sizeof r.reply, &r.got, 9);
}

void server(void* a) {
  Rig& r = *static_cast<Rig*>(a);
  char buf[3];
  km::MsgInfo info;
  r.received = km::msg_receive(*r.w, r.chid, buf, sizeof buf, &info);
  EXPECT_EQ(info.msglen, 3u);     // what fitted in its buffer
  EXPECT_EQ(info.srcmsglen, 5u);  // what was sent
  char rest[16];
  EXPECT_EQ(km::msg_read(*r.w, uint32_t(r.received), rest, sizeof rest, 2), 3);  // "ng\0"
  EXPECT_EQ(std::string(rest), "ng");
  if (!r.serve) {
    km::msg_receive(*r.w, r.chid, buf, sizeof buf, &info);  // nobody sends again
    return;
  }
  ks_delay_ns(1000000);
  const char long_reply[] = "pong, and more than fits";
  km::MsgPart p{long_reply, sizeof long_reply};
  r.replied = km::msg_reply(*r.w, uint32_t(r.received), 7, &p, 1);
}

void killer(void* a) {
  Rig& r = *static_cast<Rig*>(a);
  km::post_signal(*r.w, 1, r.kill_sig);  // the client is thread 1
}

struct MsgRun {
  sim::StackPool pool;
  sim::RoundRobin rr;
  km::World w{pool, rr, {}};
  Rig r;
  MsgRun() {
    r.w = &w;
    sim::Sim::HostScope scope(w.sim());
    r.chid = km::msg_channel_create(w, "chan");
    r.coid = km::msg_connect(w, r.chid);
  }
};

TEST(MsgChannel, SendBlockedIsNamedInTheHangReport) {
  MsgRun run;
  run.w.spawn("client", client, &run.r);
  run.w.run();
  const sim::Failure& f = run.w.sim().failure();
  ASSERT_EQ(f.kind, sim::FailureKind::kStuck) << f.message;
  EXPECT_EQ(f.signature, "stuck:MsgSend/SEND-blocked:chan");
  EXPECT_NE(f.message.find("thread client sleeps in MsgSend/SEND-blocked on channel chan"),
            std::string::npos) << f.message;
}

TEST(MsgChannel, ReplyAndReceiveBlockedAreNamedInTheHangReport) {
  MsgRun run;
  run.r.serve = false;
  run.w.spawn("client", client, &run.r);
  run.w.spawn("server", server, &run.r);
  run.w.run();
  const sim::Failure& f = run.w.sim().failure();
  ASSERT_EQ(f.kind, sim::FailureKind::kStuck) << f.message;
  EXPECT_NE(f.message.find("thread client sleeps in MsgSend/REPLY-blocked on channel chan"),
            std::string::npos) << f.message;
  EXPECT_NE(f.message.find("thread server sleeps in MsgReceive/RECEIVE-blocked on channel chan"),
            std::string::npos) << f.message;
}

TEST(MsgChannel, ReplyIsBoundedByTheClientsBuffer) {
  MsgRun run;
  run.w.spawn("client", client, &run.r);
  run.w.spawn("server", server, &run.r);
  run.w.run();
  ASSERT_FALSE(run.w.sim().failure()) << run.w.sim().failure().message;
  EXPECT_EQ(run.r.sent, 7);
  EXPECT_EQ(run.r.got, sizeof run.r.reply);
  EXPECT_EQ(std::string(run.r.reply, 4), "pong");
  EXPECT_EQ(run.r.replied, 0);
}

TEST(MsgChannel, KilledWhileReplyBlockedTheReplyFindsNoOne) {
  MsgRun run;
  run.w.spawn("client", client, &run.r);
  run.w.spawn("server", server, &run.r);  // takes it, then sleeps 1 ms
  run.w.spawn("killer", killer, &run.r);
  run.w.run();
  ASSERT_FALSE(run.w.sim().failure()) << run.w.sim().failure().message;
  EXPECT_GT(run.r.received, 0);
  EXPECT_EQ(run.r.sent, -EINTR);
  EXPECT_EQ(run.r.replied, ESRCH);
}

TEST(MsgChannel, OtherSignalsLeaveAReplyBlockedSenderWaiting) {
  MsgRun run;
  run.r.kill_sig = 2;  // SIGINT: the server's channel is told, the client waits
  run.w.spawn("client", client, &run.r);
  run.w.spawn("server", server, &run.r);
  run.w.spawn("killer", killer, &run.r);
  run.w.run();
  ASSERT_FALSE(run.w.sim().failure()) << run.w.sim().failure().message;
  EXPECT_EQ(run.r.sent, 7);
  EXPECT_EQ(run.r.replied, 0);
}

TEST(MsgChannel, SignalTakesASendBlockedSenderOffTheQueue) {
  MsgRun run;
  run.r.kill_sig = 2;
  run.w.spawn("client", client, &run.r);
  run.w.spawn("killer", killer, &run.r);
  run.w.run();
  ASSERT_FALSE(run.w.sim().failure()) << run.w.sim().failure().message;
  EXPECT_EQ(run.r.sent, -EINTR);
}

TEST(MsgServer, BadWaterMarksAreRefused) {
  MsgRun run;
  sim::Sim::HostScope scope(run.w.sim());
  km::PoolOps ops;
  ops.context_alloc = [](void*) -> void* { return nullptr; };
  ops.context_free = [](void*) {};
  ops.block = [](void*) -> void* { return nullptr; };
  ops.handler = [](void*) {};
  km::PoolAttr a;
  a.lo_water = 3;
  a.hi_water = 2;
  a.maximum = 4;
  EXPECT_EQ(km::pool_create(run.w, "p", a, ops), 0u);
  a.lo_water = 1;
  a.maximum = 1;
  EXPECT_EQ(km::pool_create(run.w, "p", a, ops), 0u);  // hi_water over maximum
  a.maximum = 2;
  EXPECT_EQ(km::pool_create(run.w, "p", a, ops), 1u);
}

}  // namespace

// A channel told of unblocks (_NTO_CHF_UNBLOCK): a SIGINT to the
// REPLY-blocked client is one pulse for the server (MsgReceive returns 0,
// code _PULSE_CODE_UNBLOCK, value the rcvid); the client waits until the
// server answers that rcvid.
struct PulseRig {
  km::World* w = nullptr;
  uint32_t chid = 0, coid = 0;
  int64_t sent = 1, rcvid = 0, pulse = 1;
  int answered = -1;
  km::MsgInfo info;
};

void pulse_client(void* a) {
  auto& r = *static_cast<PulseRig*>(a);
  char reply[4];
  size_t got = 0;
  r.sent = km::msg_send(*r.w, r.coid, "x", 2, reply, sizeof reply, &got, 9);
}

void pulse_server(void* a) {
  auto& r = *static_cast<PulseRig*>(a);
  char buf[16];
  km::MsgInfo info;
  r.rcvid = km::msg_receive(*r.w, r.chid, buf, sizeof buf, &info);
  km::post_signal(*r.w, 1, 2);  // SIGINT to the client, now REPLY-blocked
  r.pulse = km::msg_receive(*r.w, r.chid, buf, sizeof buf, &r.info);
  r.answered = km::msg_error(*r.w, uint32_t(r.info.value), EINTR);
}

TEST(MsgChannel, ASignalToAReplyBlockedSenderIsAnUnblockPulse) {
  sim::StackPool pool;
  sim::RoundRobin rr;
  km::World w{pool, rr, {}};
  PulseRig r;
  r.w = &w;
  {
    sim::Sim::HostScope scope(w.sim());
    r.chid = km::msg_channel_create(w, "chan");
    km::msg_channel_notify_unblock(w, r.chid);
    r.coid = km::msg_connect(w, r.chid);
  }
  w.spawn("client", pulse_client, &r);
  w.spawn("server", pulse_server, &r);
  w.run();
  ASSERT_FALSE(w.sim().failure()) << w.sim().failure().message;
  EXPECT_GT(r.rcvid, 0);
  EXPECT_EQ(r.pulse, 0);
  EXPECT_TRUE(r.info.pulse);
  EXPECT_EQ(r.info.code, km::kPulseCodeUnblock);
  EXPECT_EQ(int64_t(r.info.value), r.rcvid);
  EXPECT_EQ(r.info.coid, r.coid);
  EXPECT_EQ(r.answered, 0);   // the client was still there to answer
  EXPECT_EQ(r.sent, -EINTR);  // the server's answer, not the signal's
}

// A connection whose client's process died without a close: the channel
// that asked (_NTO_CHF_DISCONNECT) gets one disconnect pulse naming it,
// after the pulses already queued and before any message; one that did not
// ask gets nothing. Either way the connection is gone (a send: EBADF).
struct DisconnectRig {
  km::World* w = nullptr;
  uint32_t chid = 0, coid = 0, other = 0;
  km::MsgInfo first, second;
  int64_t r1 = 1, r2 = 1, resend = 1;
};

void disconnect_server(void* a) {
  auto& r = *static_cast<DisconnectRig*>(a);
  char buf[8];
  r.r1 = km::msg_receive(*r.w, r.chid, buf, sizeof buf, &r.first);
  r.r2 = km::msg_receive(*r.w, r.chid, buf, sizeof buf, &r.second);
  km::msg_reply(*r.w, uint32_t(r.r2), 0, nullptr, 0);
}

void disconnect_client(void* a) {
  auto& r = *static_cast<DisconnectRig*>(a);
  km::msg_disconnect_notify(*r.w, r.coid);  // the dying process's exit
  size_t got;
  r.resend = km::msg_send(*r.w, r.coid, "x", 1, nullptr, 0, &got, 9);
  km::msg_send(*r.w, r.other, "y", 1, nullptr, 0, &got, 9);
}

TEST(MsgChannel, ADroppedConnectionIsADisconnectPulseWhenAsked) {
  for (bool asked : {true, false}) {
    sim::StackPool pool;
    sim::RoundRobin rr;
    km::World w{pool, rr, {}};
    DisconnectRig r;
    r.w = &w;
    {
      sim::Sim::HostScope scope(w.sim());
      r.chid = km::msg_channel_create(w, "chan");
      if (asked) km::msg_channel_notify_disconnect(w, r.chid);
      r.coid = km::msg_connect(w, r.chid);
      r.other = km::msg_connect(w, r.chid);
    }
    w.spawn("client", disconnect_client, &r);
    w.spawn("server", disconnect_server, &r);
    w.run();
    EXPECT_EQ(r.resend, -EBADF) << asked;
    if (asked) {
      ASSERT_FALSE(w.sim().failure()) << w.sim().failure().message;
      EXPECT_EQ(r.r1, 0);  // a pulse
      EXPECT_TRUE(r.first.pulse);
      EXPECT_EQ(r.first.code, km::kPulseCodeDisconnect);
      EXPECT_EQ(r.first.value, r.coid);
      EXPECT_EQ(r.first.coid, r.coid);
      EXPECT_GT(r.r2, 0);  // then the other connection's message
      EXPECT_EQ(r.second.coid, r.other);
    } else {
      // no pulse: the first receive is the message, the second waits for ever
      EXPECT_GT(r.r1, 0);
      EXPECT_EQ(r.first.coid, r.other);
      EXPECT_TRUE(w.sim().failure());
    }
  }
}
