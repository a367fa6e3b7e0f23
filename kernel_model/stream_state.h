// The STREAMS framework's per-World records (a component slot of its own):
// queue pairs and streams by number, in creation order, plain data so a
// snapshot can copy them. Queue memory itself is kmem (tag "allocq"), so a
// stale queue pointer a driver keeps reads poison.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "kernel_model/race.h"
#include "kernel_model/stream.h"
#include "kernel_model/world.h"

namespace ks::km::str {

// What a procedure entering a module's perimeters is: each kind has its
// hold at the inner and the outer perimeter (stream_perimeter.cc).
enum class Entry : uint8_t { kPut, kSrv, kOpenClose, kWriterInner, kWriterOuter };
enum class Mode : uint8_t { kNone, kShared, kExcl, kNested };
struct Hold {
  Mode inner = Mode::kNone, outer = Mode::kNone;
};
// A priority band's flow control (illumos's qband_t, kept here rather than
// in the queue: a driver reaches bands only through bcanput/strqget). Made
// when a queue first meets the band, its marks the queue's then; band 0 is
// the queue itself (q_count, QFULL).
struct Band {
  size_t count = 0;
  size_t hiwat = 0, lowat = 0;
  bool full = false;
  bool wantw = false;  // a bcanput found it full: back-enable below lowat
};
struct Pair {
  ks_queue_t* q = nullptr;   // q[0] read, q[1] write (one kmem buffer)
  uint32_t stream = 0;       // index in StrState::streams
  const StrModule* mod = nullptr;  // null: the stream head
  bool on = false;           // qprocson: linked into the stream
  bool draining = false;     // in qprocsoff, waiting for procedures to leave
  bool freed = false;
  uint32_t running = 0;      // put or service procedures inside now
  bool srv_pending[2] = {false, false};  // a service thread spawned, not done
  sim::ObjId obj[2] = {0, 0};  // the queues as objects (trace, reports)
  uint32_t perim[2] = {0, 0};  // each queue's inner perimeter (index + 1), 0 none
  uint32_t outer = 0;          // the module's outer perimeter (index + 1), 0 none
  // The thread in the pair's open or close routine (0: none) and the hold
  // it took there: qwait gives it up and takes a new one.
  Tid oc_tid = 0;
  Hold oc_hold;
  // A qwait waits on the pair of a module without perimeters (illumos:
  // one syncq for both queues): the next put or service exit wakes it.
  bool want_exwakeup = false;
  // Bands 1.. of each queue (index band - 1): empty until a band message
  // comes (stream_band.cc).
  std::vector<Band> bands[2];
};

// A put, or a qwriter callback (fn), waiting on a syncq.
struct Deferred {
  ks_queue_t* q = nullptr;
  ks_mblk_t* mp = nullptr;
  void (*fn)(ks_queue_t*, ks_mblk_t*) = nullptr;
  Entry kind = Entry::kPut;
  uint32_t qcall = 0;  // a qtimeout/qbufcall callback (StrState::qcalls index + 1)
};

// A qtimeout or qbufcall: its callback runs inside q's perimeters.
struct QCall {
  ks_queue_t* q = nullptr;
  uint32_t pair = 0;  // q's, kept: once the stream closed, q is freed memory
  void (*fn)(void*) = nullptr;
  void* arg = nullptr;
  uint64_t callout = 0;
  bool cancelled = false;  // quntimeout/qunbufcall came first
  bool done = false;       // it ran
};

// A perimeter, a readers-writer lock: its exclusive holder (depth: nested
// entries of the same thread) or its shared holders (a thread per hold),
// and the syncq of what could not enter (stream_perimeter.cc).
struct Perim {
  Tid owner = 0;
  uint32_t depth = 0;
  std::vector<Tid> shared;
  uint32_t writers_pending = 0;  // qwriter callbacks waiting on a syncq for it
  bool draining = false;
  bool want_exwakeup = false;    // a qwait waits for a put or service to leave
  sim::ObjId key = 0;            // its happens-before key (race.h)
  std::deque<Deferred> syncq;
};

struct Stream {
  uint64_t dev = 0;
  const StrModule* drv = nullptr;
  std::vector<uint32_t> pairs;  // from the head down: head, modules..., driver
  bool opening = false;         // the first open is in the driver
  bool closing = false;
  bool dead = false;
  bool hangup = false;
  int error = 0;                // M_ERROR
  sim::ObjId lock = 0;          // sd_lock: the head's state below
  sim::ObjId cv_ioc = 0;        // one ioctl at a time
  sim::ObjId cv_ack = 0;        // the ack (or copy request) of the ioctl
  sim::ObjId cv_read = 0;       // readers
  sim::ObjId cv_procs = 0;      // qprocsoff waits for procedures to leave
  sim::ObjId cv_plumb = 0;      // I_PUSH/I_POP one at a time
  sim::ObjId cv_write = 0;      // writers held by flow control
  bool ioc_busy = false;
  bool plumbing = false;
  unsigned int ioc_next = 0;    // the last ioc_id handed out
  unsigned int ioc_wait = 0;    // the ioc_id the head waits for, 0 none
  ks_mblk_t* ioc_reply = nullptr;
  uint32_t loaned = 0;          // esballoc'd buffers out, made in this stream
  uint32_t msgs = 0;            // data blocks made in this stream, not freed yet
  uint32_t procs_waiters = 0;   // threads in qprocsoff's wait
  uint32_t writers = 0;         // threads waiting for the write side to drain
  uint16_t readopt = KS_RNORM | KS_RPROTNORM;  // read mode (I_SRDOPT, SO_READOPT)
  uint16_t wroff = 0;           // SO_WROFF: room before each write's data
  // freezestr(9F): the thread that froze the stream (0: none) and the lock
  // standing for every QLOCK of it, made at the first freezestr.
  Tid freezer = 0;
  sim::ObjId freeze_lock = 0;
};

struct StrState {
  std::deque<Pair> pairs;      // deques: references stay valid across sleeps
  std::deque<Stream> streams;
  std::map<uint64_t, uint32_t> by_dev;          // live streams by dev
  std::vector<const StrModule*> modules;        // I_PUSH-able, by registration
  uint64_t loaned_total = 0;                    // esballoc'd buffers out
  std::vector<uint32_t> cur;                    // by thread id: its stream
  std::deque<Perim> perims;                     // inner perimeters
  std::map<std::string, uint32_t> module_perims;  // D_MTPERMOD's, by module name
  std::map<std::string, uint32_t> module_outers;  // D_MTOUTPERIM's, by module name
  std::deque<QCall> qcalls;                       // qtimeout/qbufcall of modules with perimeters
  sim::ObjId perim_lock = 0, perim_cv = 0;
  uint32_t perim_waiters = 0;
  sim::ObjId qwait_cv = 0;  // qwait's sleep (illumos's sq_exitwait), under perim_lock
  uint32_t qwaiters = 0;    // threads in qwait now: exits look at nothing else when 0
  bool leak_check = false;  // the teardown's check of closed streams is registered
};

StrState& state(World& w);
// The pair of a queue a driver hands in; a queue that is not one, or whose
// pair was freed, fails the execution naming `op`.
Pair& pair_of(World& w, ks_queue_t* q, const char* op);
inline bool is_read(const ks_queue_t* q) { return q->q_flag & KS_QREADR; }
// The stream (index) the running thread works in, if a procedure or the
// head is running on its behalf; UINT32_MAX otherwise.
uint32_t current_stream(World& w);
void set_current_stream(World& w, uint32_t s);
// Drops the stream's count of loaned buffers as one made in it comes back.
void loaned_returned(World& w, uint64_t owner);

// The stream head's share of stream_queue.cc: a message reaching the head.
void head_rput(World& w, Stream& s, ks_mblk_t* mp);
void head_wake_writers(World& w, Stream& s);
// The live stream of dev (now the running thread's), or null.
Stream* find_stream(World& w, uint64_t dev);
// Flow control as write(2) has it: waits while the first queue below with
// a service procedure is full (back-enabling wakes the writers); EAGAIN
// for a non-blocking open, EINTR for a signal, else 0.
int head_wait_room(World& w, uint32_t si, int fmode);
// After q's count dropped: QFULL off below the low mark, and a writer
// that wanted room (QWANTW) back-enabled (stream_queue.cc).
void below_low(World& w, ks_queue_t* q);
// The nearest queue upstream of q with a service procedure (or the head's
// write side), for back-enabling; null at the top.
ks_queue_t* find_srv_upstream(World& w, ks_queue_t* q);
// A queue operation on q by a thread other than the one that froze q's
// stream waits for unfreezestr, as it would for the QLOCK (stream_band.cc).
// Inline: every putq/getq asks.
void thaw_wait_slow(World& w, Stream& s);
inline void thaw_wait(World& w, const Pair& p) {
  Stream& s = state(w).streams[p.stream];
  if (s.freezer != 0 && s.freezer != w.self_tid()) thaw_wait_slow(w, s);
}
// The queue's lock (illumos QLOCK) as the race detector sees it: each
// queue operation takes and drops it, so what one thread did before its
// putq happens before what another does after the getq that takes the
// message. The model's queue operations do not yield inside, so taking
// and dropping it at one point stands for holding it throughout.
inline void qlock_hb(World& w, const Pair& p, const ks_queue_t* q) {
  if (race_on(w)) {
    sim::ObjId key = p.obj[is_read(q) ? 0 : 1];
    race_acquire(w, key);
    race_release(w, key);
  }
}
// Links mp into q before emp (null: at the end); no counts (stream_queue.cc).
void link_before(ks_queue_t* q, ks_mblk_t* emp, ks_mblk_t* mp);
// Bands (stream_band.cc): band b (>= 1) of q, made with q's marks if new;
// a band message's count added or taken away; after a band's count
// dropped, its writer back-enabled below the band's low mark.
Band& band_of(Pair& p, ks_queue_t* q, unsigned b);
void band_added(Pair& p, ks_queue_t* q, ks_mblk_t* mp, size_t bytes);
void band_removed(World& w, Pair& p, ks_queue_t* q, unsigned b, size_t bytes);
// Links every pair whose procedures are on (stream_queue.cc).
void relink(World& w, Stream& s);
// Allocates a pair for module m (null: the head) in stream s.
uint32_t new_pair(World& w, uint32_t s, const StrModule* m);
void free_pair(World& w, uint32_t p);
// The caller of a module entry point: the pair counted as running.
void enter_pair(World& w, uint32_t p);
void leave_pair(World& w, uint32_t p);
void wake_procs_waiters(World& w, Stream& s);

// Perimeters (stream_perimeter.cc). perim_for: the inner perimeter a new
// pair's queue (side 0 read, 1 write) of module m is in; outer_for: m's
// outer perimeter. deliver: q's put procedure, inside q's perimeters or
// deferred to the syncq. enter/exit: the waiting entry of service, open
// and close procedures into the pair's perimeters.
uint32_t perim_for(World& w, const StrModule* m, uint32_t pair, int side);
uint32_t outer_for(World& w, const StrModule* m);
uint32_t new_perim(World& w, const std::string& name);
void deliver(World& w, ks_queue_t* q, ks_mblk_t* mp);
Hold perim_enter(World& w, uint32_t pair, int side, Entry kind);
void perim_exit(World& w, uint32_t pair, int side, Hold h);
// After a put or service procedure, or a qtimeout/qbufcall callback, of
// q's pair (side) left: wakes a qwait on that syncq.
void qwait_exit(World& w, uint32_t pair, int side);

}  // namespace ks::km::str
