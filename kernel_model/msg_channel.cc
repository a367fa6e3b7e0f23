// Channels, connections and the three blocking states of synchronous
// message passing (msg_channel.h). A sender's record lives on its own
// stack for the whole send: the channel queues a pointer to it until a
// receiver takes it, and the rcvid names it until the reply. Every id is a
// number handed out in order, and every table is keyed by number, so runs
// are deterministic.
#include "kernel_model/msg_channel.h"


#include <cerrno>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kernel_model/boot_image.h"
#include "kernel_model/proc.h"
#include "kernel_model/race.h"

namespace ks::km {

namespace {

struct Pending {
  Tid client = 0;
  uint32_t chid = 0, coid = 0, pid = 0;
  const uint8_t* smsg = nullptr;
  size_t slen = 0;
  uint8_t* rmsg = nullptr;
  size_t rlen = 0;
  size_t replied = 0;
  int64_t status = 0;
  uint64_t seq = 0;       // the channel's send number, for happens-before keys
  uint32_t rcvid = 0;     // once received
  bool taken = false;     // a receiver has it: REPLY-blocked
  bool done = false;      // replied, failed, or the channel went away
  bool unblock_sent = false;  // the server was asked to unblock it
};

struct Pulse {
  int8_t code = 0;
  uint32_t value = 0;
  uint32_t coid = 0;
  uint32_t pid = 0;
  Tid client = 0;
};

struct Channel {
  const char* name;
  // Wait queues, each an object of the channel's name: receivers, senders
  // not yet received, senders waiting for their reply.
  ObjId recv, send, reply;
  bool destroyed = false;
  bool notify_unblock = false;  // _NTO_CHF_UNBLOCK
  bool notify_disconnect = false;  // _NTO_CHF_DISCONNECT
  uint64_t next_seq = 1;
  std::deque<Pending*> queue;
  std::deque<Pulse> pulses;
};

struct MsgState {
  std::deque<Channel> chans;          // chid - 1
  std::vector<uint32_t> conns;        // coid - 1 -> chid (0: detached)
  std::map<uint32_t, Pending*> rcvids;
  uint32_t next_rcvid = 1;
};

const int kMsgSlot = World::new_component_slot();

// Channels are found by number, but a blocked thread holds its channel's
// record across the sleep: restored in place.
[[maybe_unused]] const bool image_hook =
    (World::set_component_image(kMsgSlot, records_image<MsgState, &MsgState::chans>()), true);

MsgState& state(World& w) {
  auto& slot = w.component(kMsgSlot);
  if (!slot) slot = std::make_shared<MsgState>();
  return *static_cast<MsgState*>(slot.get());
}

Channel* chan(World& w, uint32_t chid) {
  MsgState& s = state(w);
  if (chid == 0 || chid > s.chans.size()) return nullptr;
  return &s.chans[chid - 1];
}

uint64_t send_key(const Channel& c, uint64_t seq) {
  return kRaceKeyTask | (uint64_t(c.send) << 32) | (seq & 0xffffffffu);
}
uint64_t reply_key(const Channel& c, uint64_t seq) {
  return kRaceKeyTask | (uint64_t(c.reply) << 32) | (seq & 0xffffffffu);
}

// Ends a send: the client runs again with `status`.
void finish(World& w, Channel& c, Pending& p, int64_t status) {
  p.status = status;
  p.done = true;
  if (p.rcvid) state(w).rcvids.erase(p.rcvid);
  if (w.wq_remove(p.taken ? c.reply : c.send, p.client)) w.sim().wake(p.client, 0);
}

Pending* by_rcvid(World& w, uint32_t rcvid) {
  MsgState& s = state(w);
  auto it = s.rcvids.find(rcvid);
  return it == s.rcvids.end() ? nullptr : it->second;
}

}  // namespace

uint32_t msg_channel_create(World& w, const char* name) {
  MsgState& s = state(w);
  Channel& c = s.chans.emplace_back();
  c.name = w.sim().intern(name && *name ? name : "channel");
  c.recv = w.new_obj(kObjChannel, c.name);
  c.send = w.new_obj(kObjChannel, c.name);
  c.reply = w.new_obj(kObjChannel, c.name);
  return static_cast<uint32_t>(s.chans.size());
}

const char* msg_channel_name(World& w, uint32_t chid) {
  Channel* c = chan(w, chid);
  return c ? c->name : "?";
}

void msg_channel_destroy(World& w, uint32_t chid) {
  Channel* c = chan(w, chid);
  if (!c || c->destroyed) return;
  c->destroyed = true;
  while (!c->queue.empty()) {
    Pending* p = c->queue.front();
    c->queue.pop_front();
    finish(w, *c, *p, -ESRCH);
  }
  // A client a server thread took but never answered: the server is gone.
  MsgState& s = state(w);
  std::vector<Pending*> left;
  for (auto& [id, p] : s.rcvids)
    if (p->chid == chid) left.push_back(p);
  for (Pending* p : left) finish(w, *c, *p, -ESRCH);
  w.wq_wake_all(c->recv, ESRCH);
}

void msg_channel_notify_unblock(World& w, uint32_t chid) {
  if (Channel* c = chan(w, chid)) c->notify_unblock = true;
}

void msg_channel_notify_disconnect(World& w, uint32_t chid) {
  if (Channel* c = chan(w, chid)) c->notify_disconnect = true;
}

void msg_disconnect_notify(World& w, uint32_t coid) {
  MsgState& s = state(w);
  if (!coid || coid > s.conns.size() || !s.conns[coid - 1]) return;
  Channel* c = chan(w, s.conns[coid - 1]);
  s.conns[coid - 1] = 0;
  if (!c || c->destroyed || !c->notify_disconnect) return;
  Proc* p = curproc_or_null(w);
  c->pulses.push_back({kPulseCodeDisconnect, coid, coid, p ? p->pid : 0, 0});
  if (Tid r = w.wq_pop(c->recv)) w.sim().wake(r, 0);
}

uint32_t msg_connect(World& w, uint32_t chid) {
  MsgState& s = state(w);
  s.conns.push_back(chid);
  return static_cast<uint32_t>(s.conns.size());
}

void msg_disconnect(World& w, uint32_t coid) {
  MsgState& s = state(w);
  if (coid && coid <= s.conns.size()) s.conns[coid - 1] = 0;
}

int64_t msg_send(World& w, uint32_t coid, const void* smsg, size_t slen, void* rmsg,
                 size_t rlen, size_t* replied, int kill_sig, bool* received) {
  MsgState& s = state(w);
  uint32_t chid = coid && coid <= s.conns.size() ? s.conns[coid - 1] : 0;
  Channel* c = chan(w, chid);
  w.sim().point(kEvMsgSend, c ? c->send : 0, coid, slen);
  *replied = 0;
  if (!c || c->destroyed) return -EBADF;
  KThread& k = w.self();
  const uint64_t kill_bit = kill_sig > 0 && kill_sig < 64 ? uint64_t(1) << (kill_sig - 1) : 0;
  if (k.sig_pending & kill_bit) return -EINTR;
  w.assert_may_sleep("MsgSend", c->send);
  Pending p;
  p.client = w.self_tid();
  p.chid = chid;
  p.coid = coid;
  p.pid = k.proc ? k.proc->pid : 0;
  p.smsg = static_cast<const uint8_t*>(smsg);
  p.slen = slen;
  p.rmsg = static_cast<uint8_t*>(rmsg);
  p.rlen = rlen;
  p.seq = c->next_seq++;
  race_release(w, send_key(*c, p.seq));
  c->queue.push_back(&p);
  if (Tid r = w.wq_pop(c->recv)) w.sim().wake(r, 0);
  while (!p.done) {
    ObjId on = p.taken ? c->reply : c->send;
    w.wq_push(on, p.client);
    k.interruptible = true;
    int code = w.sim().block(p.taken ? kEvMsgReplyBlocked : kEvMsgSendBlocked, on);
    k.interruptible = false;
    if (code != EINTR || p.done) continue;
    if (!p.taken) {
      // A signal takes a SEND-blocked sender off the queue: nothing was sent.
      for (auto it = c->queue.begin(); it != c->queue.end(); ++it)
        if (*it == &p) {
          c->queue.erase(it);
          break;
        }
      w.sim().emit(kEvInterrupted, c->send, 0, 0, EINTR);
      return -EINTR;
    }
    if (k.sig_pending & kill_bit) {
      // Killed while REPLY-blocked: the thread goes; the server's reply to
      // this rcvid will find no one (ESRCH).
      state(w).rcvids.erase(p.rcvid);
      if (received) *received = true;
      w.sim().emit(kEvInterrupted, c->reply, 0, 0, EINTR);
      return -EINTR;
    }
    // Any other signal waits for the server's answer: the server's
    // channel asked to be told of unblocks (_NTO_CHF_UNBLOCK), so the
    // sender stays REPLY-blocked until it replies; the kernel tells the
    // server once with a pulse whose value is the rcvid.
    if (c->notify_unblock && !p.unblock_sent && !c->destroyed) {
      p.unblock_sent = true;
      c->pulses.push_back({kPulseCodeUnblock, p.rcvid, p.coid, p.pid, p.client});
      if (Tid r = w.wq_pop(c->recv)) w.sim().wake(r, 0);
    }
  }
  race_acquire(w, reply_key(*c, p.seq));
  *replied = p.replied;
  if (received) *received = p.taken;
  return p.status;
}

int64_t msg_receive(World& w, uint32_t chid, void* buf, size_t len, MsgInfo* info) {
  Channel* c = chan(w, chid);
  if (!c) return -EINVAL;
  w.sim().point(kEvMsgReceive, c->recv);  // then, once it has one: rcvid, bytes
  while (!c->destroyed && c->queue.empty() && c->pulses.empty()) {
    w.assert_may_sleep("MsgReceive", c->recv);
    w.wq_push(c->recv, w.self_tid());
    w.sim().block(kEvMsgReceiveBlocked, c->recv);
  }
  if (c->destroyed) return -ESRCH;
  if (!c->pulses.empty()) {
    Pulse pu = c->pulses.front();
    c->pulses.pop_front();
    if (info) {
      *info = MsgInfo{};
      info->pulse = true;
      info->code = pu.code;
      info->value = pu.value;
      info->coid = pu.coid;
      info->pid = pu.pid;
      info->tid = pu.client;
    }
    w.sim().emit(kEvMsgReceive, c->recv, 0, 0);
    return 0;
  }
  MsgState& s = state(w);
  Pending* p = c->queue.front();
  c->queue.pop_front();
  p->taken = true;
  p->rcvid = s.next_rcvid++;
  s.rcvids[p->rcvid] = p;
  // The sender is REPLY-blocked from now on, as the kernel shows it.
  if (w.wq_remove(c->send, p->client)) {
    w.wq_push(c->reply, p->client);
    sim::Thread* th = w.sim().thread(p->client);
    th->wait_kind = kEvMsgReplyBlocked;
    th->wait_obj = c->reply;
  }
  race_acquire(w, send_key(*c, p->seq));
  size_t n = p->slen < len ? p->slen : len;
  if (n) std::memcpy(buf, p->smsg, n);
  if (info) {
    info->coid = p->coid;
    info->pid = p->pid;
    info->tid = p->client;
    info->msglen = n;
    info->srcmsglen = p->slen;
    info->dstmsglen = p->rlen;
  }
  w.sim().emit(kEvMsgReceive, c->recv, p->rcvid, n);
  return p->rcvid;
}

int64_t msg_read(World& w, uint32_t rcvid, void* buf, size_t n, size_t offset) {
  w.sim().point(kEvMsgRead, 0, rcvid, n);
  Pending* p = by_rcvid(w, rcvid);
  if (!p) return -ESRCH;
  if (offset >= p->slen) return 0;
  size_t m = p->slen - offset < n ? p->slen - offset : n;
  std::memcpy(buf, p->smsg + offset, m);
  return static_cast<int64_t>(m);
}

int64_t msg_write(World& w, uint32_t rcvid, const void* buf, size_t n, size_t offset) {
  w.sim().point(kEvMsgWrite, 0, rcvid, n);
  Pending* p = by_rcvid(w, rcvid);
  if (!p) return -ESRCH;
  if (offset >= p->rlen) return 0;
  size_t m = p->rlen - offset < n ? p->rlen - offset : n;
  std::memcpy(p->rmsg + offset, buf, m);
  if (offset + m > p->replied) p->replied = offset + m;
  return static_cast<int64_t>(m);
}

int msg_reply(World& w, uint32_t rcvid, int64_t status, const MsgPart* parts, int nparts) {
  w.sim().point(kEvMsgReply, 0, rcvid, static_cast<uint64_t>(status));
  Pending* p = by_rcvid(w, rcvid);
  if (!p) return ESRCH;
  size_t off = 0;
  for (int i = 0; i < nparts && off < p->rlen; i++) {
    size_t m = p->rlen - off < parts[i].len ? p->rlen - off : parts[i].len;
    if (m) std::memcpy(p->rmsg + off, parts[i].base, m);
    off += m;
  }
  if (off > p->replied) p->replied = off;
  Channel& c = *chan(w, p->chid);
  race_release(w, reply_key(c, p->seq));
  finish(w, c, *p, status);
  return 0;
}

bool msg_reply_blocked(World& w, Tid t, MsgBlocked* out) {
  for (const auto& [id, p] : state(w).rcvids)
    if (p->client == t && p->taken && !p->done) {
      *out = {p->chid, p->coid, id, p->unblock_sent};
      return true;
    }
  return false;
}

int msg_error(World& w, uint32_t rcvid, int err) {
  w.sim().point(kEvMsgError, 0, rcvid, static_cast<uint64_t>(err));
  Pending* p = by_rcvid(w, rcvid);
  if (!p) return ESRCH;
  Channel& c = *chan(w, p->chid);
  race_release(w, reply_key(c, p->seq));
  finish(w, c, *p, -static_cast<int64_t>(err));
  return 0;
}

}  // namespace ks::km
