// Synchronous message passing, as a microkernel has it (QNX Neutrino's
// channels and connections): a server's threads receive on a channel; a
// client sends on a connection to it and stays blocked until a server
// thread replies. The states are the kernel's own and show in hang reports:
// a sender waits SEND-blocked until a receiver takes its message, then
// REPLY-blocked until MsgReply or MsgError; a receiver with nothing to take
// waits RECEIVE-blocked. The messages are host buffers the client's side
// owns for the whole send (the personality copies user data into them), so
// an abandoned sender leaves nothing behind.
//
// Reads and writes of a message are bounded as the kernel bounds them:
// MsgRead copies at most what the client sent, MsgWrite and MsgReply at most
// what the client's reply buffer holds; the count is the result. A rcvid
// whose client is gone (killed while REPLY-blocked) answers ESRCH.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernel_model/world.h"

namespace ks::km {

// What MsgReceive tells the server about a message (QNX _msg_info).
struct MsgInfo {
  uint32_t coid = 0;       // the client's connection
  uint32_t pid = 0;        // its process (0: a kernel thread, e.g. the exit close)
  Tid tid = 0;             // its thread
  size_t msglen = 0;       // bytes received into the server's buffer
  size_t srcmsglen = 0;    // bytes the client sent
  size_t dstmsglen = 0;    // bytes its reply buffer holds
  // A pulse (MsgReceive returned 0): its code and value. The only pulse
  // the kernel model sends is the unblock request (msg_channel_notify_unblock).
  bool pulse = false;
  int8_t code = 0;
  uint32_t value = 0;
};

// The pulse code of an unblock request, its value the blocked rcvid (QNX
// _PULSE_CODE_UNBLOCK), and of a connection its client's process dropped
// without a close (_PULSE_CODE_DISCONNECT), its value the connection.
constexpr int8_t kPulseCodeUnblock = -32;
constexpr int8_t kPulseCodeDisconnect = -33;

// One part of a reply (a QNX iov_t).
struct MsgPart {
  const void* base;
  size_t len;
};

// Channels and connections (ChannelCreate/ChannelDestroy,
// ConnectAttach/ConnectDetach). Ids are > 0, in creation order.
uint32_t msg_channel_create(World& w, const char* name);
// Wakes every RECEIVE-blocked thread (their MsgReceive answers ESRCH) and
// fails every sender still queued with ESRCH; later sends answer EBADF.
void msg_channel_destroy(World& w, uint32_t chid);
// The channel asks to be told of unblocks (QNX _NTO_CHF_UNBLOCK, which a
// resource manager's channel has): a signal (not the kill) to a
// REPLY-blocked sender queues one unblock pulse for the server, and the
// sender stays REPLY-blocked until the server replies. Without it the
// signal does nothing to a REPLY-blocked sender either.
void msg_channel_notify_unblock(World& w, uint32_t chid);
// The channel asks to be told of connections that go away (QNX
// _NTO_CHF_DISCONNECT): msg_disconnect_notify then queues a pulse.
void msg_channel_notify_disconnect(World& w, uint32_t chid);
uint32_t msg_connect(World& w, uint32_t chid);
void msg_disconnect(World& w, uint32_t coid);
// The connection goes as its client's process dies (the kernel detaches
// it; no close message is sent): the channel, if it asked, gets one
// disconnect pulse naming it, after the pulses already queued.
void msg_disconnect_notify(World& w, uint32_t coid);
const char* msg_channel_name(World& w, uint32_t chid);

// Client side: sends smsg and blocks until the reply; the reply's bytes go
// to rmsg (at most rlen), *replied says how many were written (the highest
// offset MsgWrite/MsgReply reached). Returns MsgReply's status (>= 0) or
// -errno (MsgError's, EBADF for a dead connection, EINTR when a signal takes
// the sender off the queue while SEND-blocked, or kills it while
// REPLY-blocked: `kill_sig` is the signal that may).
// *received (if given): a server thread took the message (so it is
// handled even when the send ended with EINTR).
int64_t msg_send(World& w, uint32_t coid, const void* smsg, size_t slen, void* rmsg,
                 size_t rlen, size_t* replied, int kill_sig, bool* received = nullptr);

// Server side, on the thread that received: MsgReceive blocks until a
// message comes and returns its rcvid (> 0), or 0 for a pulse (pulses
// first: info says its code and value, buf gets nothing), or -ESRCH once
// the channel is destroyed. buf gets the first min(len, sent) bytes.
int64_t msg_receive(World& w, uint32_t chid, void* buf, size_t len, MsgInfo* info);
// Bytes read (<= n) of the client's message from offset, or -ESRCH.
int64_t msg_read(World& w, uint32_t rcvid, void* buf, size_t n, size_t offset);
// Bytes written (<= n) into the client's reply buffer at offset, or -ESRCH.
int64_t msg_write(World& w, uint32_t rcvid, const void* buf, size_t n, size_t offset);
// Replies (the parts one after another from offset 0, bounded by the reply
// buffer) and unblocks the client: 0, or ESRCH when it is gone.
int msg_reply(World& w, uint32_t rcvid, int64_t status, const MsgPart* parts, int nparts);
// Unblocks the client with error err: 0, or ESRCH.
int msg_error(World& w, uint32_t rcvid, int err);

// For reports: the message thread t is REPLY-blocked on (its channel,
// connection and rcvid, whether the server was asked to unblock it);
// false when t is not REPLY-blocked.
struct MsgBlocked {
  uint32_t chid = 0, coid = 0, rcvid = 0;
  bool unblock_sent = false;
};
bool msg_reply_blocked(World& w, Tid t, MsgBlocked* out);

}  // namespace ks::km
