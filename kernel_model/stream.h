// STREAMS in the neutral kernel model: the stream head, queues with put
// and service procedures, flow control, messages, and the M_IOCTL path.
// A personality maps its names (allocb, putnext, I_STR ...) onto these
// calls and hands the device switch the DevOps that str_devops() makes
// for a STREAMS driver; the model names no personality.
//
// Semantics (SVR4, as the illumos and System V manuals describe them):
// - Service procedures run as simulated kernel threads ("srv:<module>"),
//   scheduled by qenable (and by putq, back-enabling, getq's QWANTR) and
//   started at the next scheduling point the strategy picks them at.
// - qprocsoff takes the pair out of the stream (messages flow around it),
//   then waits until none of its put or service procedures runs; a
//   putnext/qreply from a pair whose procedures are off is misuse.
// - A last close: the stream head discards unread data and, from then on,
//   any message that reaches it; then each module from the top, then the
//   driver: its close, qprocsoff if it did not, its queues flushed and
//   freed. Loaned buffers (esballoc) the driver made that are still out
//   when its close returns are a failure (the close must wait for them).
// - ioctls: one at a time per stream (others sleep), each a fresh ioc_id;
//   an ack whose ioc_id is not the one waited for is dropped; I_STR waits
//   ic_timout seconds of virtual time (0: 15 s, -1: forever) then ETIME; a
//   NAK with ioc_error 0 is EINVAL; a failed copy of M_COPYIN/M_COPYOUT
//   ends the ioctl with EFAULT at once (the module must not ack it).
// - M_SETOPTS from below sets the head's read mode (I_SRDOPT too), write
//   offset, and its read queue's packet sizes and water marks (flow
//   control follows the new marks at once).
// - qwait/qwait_sig: an open or close routine leaves its perimeters and
//   waits for any put or service exit there (stream_perimeter.cc).
#pragma once

#include <cstdint>
#include <string>

#include "kernel_model/devsw.h"
#include "kernsim/streams.h"

namespace ks::km {
class World;
}

namespace ks::km::str {

// The stream head's ioctl commands as the personality numbers them, and
// the size of a module name (FMNAMESZ).
struct HeadParams {
  int64_t i_str = 0;
  int64_t i_push = 0;
  int64_t i_pop = 0;
  int64_t i_flush = 0;
  int64_t i_srdopt = 0;
  int64_t i_grdopt = 0;
  // Answered 0 by the stream head and never sent down: the ioctl system
  // call sets the file's flag itself (illumos strioctl returns 0 for both).
  int64_t fionbio = 0;
  int64_t fioasync = 0;
  uint32_t fmnamesz = 8;
};

// The scope a module's procedures are single-threaded in (its inner
// perimeter), as the personality reads it from the module's flags.
enum class Perimeter : uint8_t { kNone, kQueue, kPair, kModule };

// A STREAMS driver or module as a personality registered it. flags: its
// cb_flag / f_flag (D_MP ...), kept for reports.
struct StrModule {
  std::string name;
  const ks_streamtab_t* tab = nullptr;
  uint32_t flags = 0;
  Perimeter perimeter = Perimeter::kNone;
  bool outer = false;       // an outer perimeter around all its instances
  bool oc_excl = false;     // open and close exclusive at the outer perimeter
  bool put_shared = false;  // put procedures shared at the inner perimeter
  HeadParams head;
  // The personality's dev_t is the model's 64-bit dev (checked there).
};

// The device switch's view of a STREAMS driver: open/close/read/write/
// ioctl through its stream head. `m` lives as long as the World.
// `clone`: a clone node's, every open a new stream opened with CLONEOPEN.
DevOps str_devops(const StrModule* m, bool clone = false);
// A module I_PUSH may name (registered at its _init).
void str_register_module(World& w, const StrModule* m);
void str_unregister_module(World& w, const StrModule* m);

// ---- messages (stream_msg.cc) ----
ks_mblk_t* allocb(World& w, size_t size, const char* op);
ks_mblk_t* esballoc(World& w, unsigned char* base, size_t size, ks_frtn_t* fr, const char* op);
void freeb(World& w, ks_mblk_t* mp, const char* op);
void freemsg(World& w, ks_mblk_t* mp, const char* op);
ks_mblk_t* dupb(World& w, ks_mblk_t* mp);
ks_mblk_t* dupmsg(World& w, ks_mblk_t* mp);
ks_mblk_t* copyb(World& w, ks_mblk_t* mp);
ks_mblk_t* copymsg(World& w, ks_mblk_t* mp);
int pullupmsg(World& w, ks_mblk_t* mp, ptrdiff_t len);
ks_mblk_t* msgpullup(World& w, ks_mblk_t* mp, ptrdiff_t len);
size_t msgdsize(const ks_mblk_t* mp);
size_t msgsize(const ks_mblk_t* mp);  // every block's bytes, whatever the type
// adjmsg(9F): trims len bytes from the head (len > 0) or -len from the
// tail of the leading blocks of the first block's type; 0 (nothing
// trimmed) when they hold fewer. Emptied blocks but the first are freed.
int adjmsg(World& w, ks_mblk_t* mp, ptrdiff_t len);
void linkb(ks_mblk_t* mp, ks_mblk_t* bp);
ks_mblk_t* unlinkb(ks_mblk_t* mp);
// bufcall: fn(arg) runs from a callout once memory may be there (at once,
// in virtual time); an id > 0, or 0 when even that fails (injected).
uint64_t bufcall(World& w, size_t size, void (*fn)(void*), void* arg);
void unbufcall(World& w, uint64_t id);

// ---- queues (stream_queue.cc) ----
int putq(World& w, ks_queue_t* q, ks_mblk_t* mp);
int putbq(World& w, ks_queue_t* q, ks_mblk_t* mp);
ks_mblk_t* getq(World& w, ks_queue_t* q);
void flushq(World& w, ks_queue_t* q, int all);
void qenable(World& w, ks_queue_t* q);
void noenable(ks_queue_t* q);
void enableok(ks_queue_t* q);
int canput(World& w, ks_queue_t* q);
int canputnext(World& w, ks_queue_t* q);
void putnext(World& w, ks_queue_t* q, ks_mblk_t* mp, const char* op);
void qreply(World& w, ks_queue_t* q, ks_mblk_t* mp);
void qprocson(World& w, ks_queue_t* q);
// put(9F): q's put procedure, entered through q's perimeters.
void put(World& w, ks_queue_t* q, ks_mblk_t* mp);
// qwriter(9F): fn(q, mp) with exclusive access at q's inner (outer: the
// module's outer) perimeter: at once if the caller is alone inside, else
// later, from the syncq, after qwriter returned (stream_perimeter.cc).
void qwriter(World& w, ks_queue_t* q, ks_mblk_t* mp, void (*fn)(ks_queue_t*, ks_mblk_t*),
             bool outer);
// qtimeout/qbufcall(9F): fn(arg) from a callout (at deadline_ns; qbufcall:
// when memory may be there, 0 if even that fails) entered into q's
// perimeters as a service procedure is, or put on the syncq when it cannot
// enter; a plain callout for a module without perimeters. quntimeout: the
// ns left when the callout had not fired, 0 when it fired but its callback
// was still waiting on the syncq (taken off it: illumos's "bypassed"), -1
// when the callback ran (strsubr.c quntimeout, read). qunbufcall answers
// nothing.
uint64_t qtimeout(World& w, ks_queue_t* q, void (*fn)(void*), void* arg, uint64_t deadline_ns);
int64_t quntimeout(World& w, ks_queue_t* q, uint64_t id);
uint64_t qbufcall(World& w, ks_queue_t* q, size_t size, void (*fn)(void*), void* arg);
void qunbufcall(World& w, ks_queue_t* q, uint64_t id);
void qprocsoff(World& w, ks_queue_t* q);
// qwait/qwait_sig(9F), from an open or close routine only: leaves the
// perimeters open/close entered; if the syncq holds deferred work, runs it
// and comes back at once, else sleeps until a thread leaves a put or
// service procedure (or a qtimeout/qbufcall callback) of q's syncq; then
// enters the perimeters again. Any such exit ends the wait, so callers
// loop on their own condition. 1, or 0 when `sig` and a signal ended the
// sleep (stream_perimeter.cc).
int qwait(World& w, ks_queue_t* q, bool sig);
// Bands and direct queue access (stream_band.cc). A band message (b_band
// > 0) goes after high-priority messages and those of higher or equal
// bands; its bytes count against its band, not q_count. bcanput(q, 0) is
// canput; a band q has not met yet can be put to. insq/rmvq need no
// freezestr (illumos takes the queue lock for them), but a message not on
// q is misuse. freezestr: other threads' queue operations on the stream
// wait for unfreezestr; the freezer's own go on.
int bcanput(World& w, ks_queue_t* q, unsigned band);
int bcanputnext(World& w, ks_queue_t* q, unsigned band);
void flushband(World& w, ks_queue_t* q, unsigned band, bool all);
int insq(World& w, ks_queue_t* q, ks_mblk_t* emp, ks_mblk_t* mp);
void rmvq(World& w, ks_queue_t* q, ks_mblk_t* mp);
int qsize(World& w, ks_queue_t* q);
ks_queue_t* backq(World& w, ks_queue_t* q);
void freezestr(World& w, ks_queue_t* q);
void unfreezestr(World& w, ks_queue_t* q);
ks_queue_t* other_q(ks_queue_t* q);  // RD/WR/OTHERQ: the pair's other queue
ks_queue_t* rd_q(ks_queue_t* q);
ks_queue_t* wr_q(ks_queue_t* q);

}  // namespace ks::km::str
