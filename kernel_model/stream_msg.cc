// STREAMS messages: an mblk (tag "allocb"/"dupb") points at a dblk; an
// allocb'd dblk carries its data after it in one buffer (tag "dblk"), an
// esballoc'd one points at the caller's buffer and runs the caller's free
// routine when its last reference goes. Both are kmem buffers, so a double
// freeb, a leaked message and a free routine touching freed driver state
// are kmem's reports (double free, leak by tag, poison).
#include <cerrno>
#include <algorithm>
#include <cstring>

#include "kernel_model/callout.h"
#include "kernel_model/kmem.h"
#include "kernel_model/stream_head.h"

namespace ks::km::str {

namespace {

ks_mblk_t* new_mblk(World& w, ks_dblk_t* db, const char* tag) {
  auto* mp = static_cast<ks_mblk_t*>(kmem_alloc(w, sizeof(ks_mblk_t), kKmemNoSleep | kKmemZero, tag));
  if (!mp) return nullptr;
  mp->b_datap = db;
  mp->b_rptr = mp->b_wptr = db->db_base;
  return mp;
}

// A dblk a driver hands back: a freed or foreign one is the driver's bug.
ks_dblk_t* dblk_of(World& w, ks_mblk_t* mp, const char* op) {
  const KmemHdr* h = kmem_buffer(w, mp);
  if (!h || h->freed)
    w.fail(sim::FailureKind::kMemory,
           std::string(op) + " of a message block that " +
               (h ? "was already freed (double free)" : "is not one"),
           std::string("streams:") + (h ? "double_free:" : "bad_mblk:") + op);
  return mp->b_datap;
}

// A new dblk belongs to the stream the running thread works in (none for a
// callout or a kernel thread): what is left of it after that stream's last
// close is a leak (stream_head.cc).
void own(World& w, ks_dblk_t* db) {
  uint32_t s = current_stream(w);
  db->db_ks_owner = s == UINT32_MAX ? 0 : uint64_t(s) + 1;
  if (db->db_ks_owner) state(w).streams[s].msgs++;
}

void disown(World& w, uint64_t owner) {
  StrState& st = state(w);
  if (owner && owner <= st.streams.size() && st.streams[owner - 1].msgs)
    st.streams[owner - 1].msgs--;
}

}  // namespace

ks_mblk_t* allocb(World& w, size_t size, const char* op) {
  w.preempt();
  // allocb(9F) fails when memory is short: an injected fault the driver
  // must survive (bufcall, or drop the work).
  if (w.inject_fault()) return nullptr;
  auto* db = static_cast<ks_dblk_t*>(
      kmem_alloc(w, sizeof(ks_dblk_t) + size, kKmemNoSleep | kKmemZero, "dblk"));
  if (!db) return nullptr;
  db->db_base = reinterpret_cast<unsigned char*>(db + 1);
  db->db_lim = db->db_base + size;
  db->db_ref = 1;
  db->db_type = KS_M_DATA;
  db->db_ks_flags = KS_DB_INLINE;
  ks_mblk_t* mp = new_mblk(w, db, op);
  if (!mp) kmem_free(w, db, sizeof(ks_dblk_t) + size, op);
  else own(w, db);
  return mp;
}

ks_mblk_t* allocb_wait(World& w, size_t size, const char* op) {
  auto* db = static_cast<ks_dblk_t*>(
      kmem_alloc(w, sizeof(ks_dblk_t) + size, kKmemSleep | kKmemZero, "dblk"));
  db->db_base = reinterpret_cast<unsigned char*>(db + 1);
  db->db_lim = db->db_base + size;
  db->db_ref = 1;
  db->db_type = KS_M_DATA;
  db->db_ks_flags = KS_DB_INLINE;
  auto* mp = static_cast<ks_mblk_t*>(kmem_alloc(w, sizeof(ks_mblk_t), kKmemSleep | kKmemZero, op));
  mp->b_datap = db;
  mp->b_rptr = mp->b_wptr = db->db_base;
  own(w, db);
  return mp;
}

ks_mblk_t* esballoc(World& w, unsigned char* base, size_t size, ks_frtn_t* fr, const char* op) {
  w.preempt();
  if (!base || !fr) return nullptr;  // esballoc(9F): NULL base or free routine fails
  if (w.inject_fault()) return nullptr;
  auto* db = static_cast<ks_dblk_t*>(
      kmem_alloc(w, sizeof(ks_dblk_t), kKmemNoSleep | kKmemZero, "dblk"));
  if (!db) return nullptr;
  db->db_base = base;
  db->db_lim = base + size;
  db->db_ref = 1;
  db->db_type = KS_M_DATA;
  db->db_frtnp = fr;
  db->db_ks_flags = KS_DB_LOANED;
  ks_mblk_t* mp = new_mblk(w, db, op);
  if (!mp) {
    kmem_free(w, db, sizeof(ks_dblk_t), op);
    return nullptr;
  }
  own(w, db);
  if (db->db_ks_owner) state(w).streams[db->db_ks_owner - 1].loaned++;
  state(w).loaned_total++;
  return mp;
}

void freeb(World& w, ks_mblk_t* mp, const char* op) {
  if (!mp) return;
  ks_dblk_t* db = dblk_of(w, mp, op);
  kmem_free(w, mp, sizeof(ks_mblk_t), op);
  if (--db->db_ref > 0) return;
  disown(w, db->db_ks_owner);
  if (db->db_ks_flags & KS_DB_LOANED) {
    ks_frtn_t* fr = db->db_frtnp;
    uint64_t owner = db->db_ks_owner;
    kmem_free(w, db, sizeof(ks_dblk_t), op);
    loaned_returned(w, owner);
    // A free routine record in freed memory (kmem poison) would be a jump
    // to nowhere: say what it is instead.
    uint64_t fn;
    std::memcpy(&fn, &fr->free_func, sizeof(fn));
    if (kmem_poisoned_word(fn)) {
      StrState& st = state(w);
      std::string who = owner && owner <= st.streams.size() && st.streams[owner - 1].drv
                            ? st.streams[owner - 1].drv->name : std::string("its driver");
      w.fail(sim::FailureKind::kMemory,
             std::string(op) + " of the last reference to a loaned buffer (esballoc) made by " +
                 who + ": its free routine record (frtn_t) is in freed memory (kmem poison); "
                 "the driver freed it while the buffer was still out",
             "streams:frtn_freed:" + who);
    }
    // The caller's free routine, on this thread (freeb's caller): it may
    // touch whatever it points at, which must still exist.
    fr->free_func(fr->free_arg);
    return;
  }
  kmem_free(w, db, sizeof(ks_dblk_t) + size_t(db->db_lim - db->db_base), op);
}

void freemsg(World& w, ks_mblk_t* mp, const char* op) {
  while (mp) {
    dblk_of(w, mp, op);
    ks_mblk_t* next = mp->b_cont;
    freeb(w, mp, op);
    mp = next;
  }
}

ks_mblk_t* dupb(World& w, ks_mblk_t* mp) {
  ks_dblk_t* db = dblk_of(w, mp, "dupb");
  if (db->db_ref == 255 || w.inject_fault()) return nullptr;
  ks_mblk_t* np = new_mblk(w, db, "dupb");
  if (!np) return nullptr;
  db->db_ref++;
  np->b_rptr = mp->b_rptr;
  np->b_wptr = mp->b_wptr;
  np->b_band = mp->b_band;
  np->b_flag = mp->b_flag;
  return np;
}

ks_mblk_t* dupmsg(World& w, ks_mblk_t* mp) {
  ks_mblk_t *head = nullptr, **tail = &head;
  for (; mp; mp = mp->b_cont) {
    ks_mblk_t* np = dupb(w, mp);
    if (!np) {
      freemsg(w, head, "dupmsg");
      return nullptr;
    }
    *tail = np;
    tail = &np->b_cont;
  }
  return head;
}

ks_mblk_t* copyb(World& w, ks_mblk_t* mp) {
  ks_dblk_t* db = dblk_of(w, mp, "copyb");
  size_t cap = size_t(db->db_lim - db->db_base);
  ks_mblk_t* np = allocb(w, cap, "copyb");
  if (!np) return nullptr;
  np->b_datap->db_type = db->db_type;
  size_t off = size_t(mp->b_rptr - db->db_base), n = size_t(mp->b_wptr - mp->b_rptr);
  np->b_rptr = np->b_datap->db_base + off;
  std::memcpy(np->b_rptr, mp->b_rptr, n);
  np->b_wptr = np->b_rptr + n;
  np->b_band = mp->b_band;
  np->b_flag = mp->b_flag;
  return np;
}

ks_mblk_t* copymsg(World& w, ks_mblk_t* mp) {
  ks_mblk_t *head = nullptr, **tail = &head;
  for (; mp; mp = mp->b_cont) {
    ks_mblk_t* np = copyb(w, mp);
    if (!np) {
      freemsg(w, head, "copymsg");
      return nullptr;
    }
    *tail = np;
    tail = &np->b_cont;
  }
  return head;
}

// pullupmsg(9F): the first len bytes (-1: all) of the leading blocks of
// the same type as the first made contiguous in the first block, which
// keeps its mblk but gets a new dblk; 1 on success, 0 on failure.
int pullupmsg(World& w, ks_mblk_t* mp, ptrdiff_t len) {
  if (!mp) return 0;
  unsigned char type = dblk_of(w, mp, "pullupmsg")->db_type;
  size_t have = 0;
  for (ks_mblk_t* b = mp; b && b->b_datap->db_type == type; b = b->b_cont)
    have += size_t(b->b_wptr - b->b_rptr);
  size_t want = len < 0 ? have : size_t(len);
  if (want > have) return 0;
  if (size_t(mp->b_wptr - mp->b_rptr) >= want) return 1;
  ks_mblk_t* nb = allocb(w, want, "pullupmsg");
  if (!nb) return 0;
  ks_dblk_t* ndb = nb->b_datap;
  ndb->db_type = type;
  size_t done = 0;
  for (ks_mblk_t* b = mp; done < want; b = b->b_cont) {
    size_t n = std::min(size_t(b->b_wptr - b->b_rptr), want - done);
    std::memcpy(ndb->db_base + done, b->b_rptr, n);
    done += n;
    b->b_rptr += n;
  }
  // The blocks after mp that were emptied go; a partly used one stays.
  ks_mblk_t* rest = mp->b_cont;
  while (rest && rest->b_rptr == rest->b_wptr && rest->b_datap->db_type == type) {
    ks_mblk_t* next = rest->b_cont;
    freeb(w, rest, "pullupmsg");
    rest = next;
  }
  mp->b_cont = rest;
  // mp's old dblk goes (it was emptied); mp takes the new one.
  ks_dblk_t* odb = mp->b_datap;
  nb->b_datap = odb;  // swap so freeing nb releases the old dblk
  mp->b_datap = ndb;
  mp->b_rptr = ndb->db_base;
  mp->b_wptr = ndb->db_base + want;
  nb->b_cont = nullptr;
  freeb(w, nb, "pullupmsg");
  return 1;
}

// msgpullup(9F): a new message whose first block holds every byte of the
// leading blocks of the first block's type, the rest of mp dupmsg'd
// behind it; mp itself unaltered. NULL when len (> 0) asks for more than
// those blocks hold, or an allocation fails (illumos stream.c msgpullup:
// xmsgsize's count, allocb_tmpl, dupmsg; read).
ks_mblk_t* msgpullup(World& w, ks_mblk_t* mp, ptrdiff_t len) {
  if (!mp) return nullptr;
  unsigned char type = dblk_of(w, mp, "msgpullup")->db_type;
  size_t have = 0;
  ks_mblk_t* b = mp;
  for (; b && b->b_datap->db_type == type; b = b->b_cont) have += size_t(b->b_wptr - b->b_rptr);
  if (len > 0 && size_t(len) > have) return nullptr;
  ks_mblk_t* np = allocb(w, have, "msgpullup");
  if (!np) return nullptr;
  np->b_datap->db_type = type;
  np->b_flag = mp->b_flag;
  np->b_band = mp->b_band;
  for (ks_mblk_t* c = mp; c != b; c = c->b_cont) {
    size_t n = size_t(c->b_wptr - c->b_rptr);
    if (n) std::memcpy(np->b_wptr, c->b_rptr, n);
    np->b_wptr += n;
  }
  if (b) {
    np->b_cont = dupmsg(w, b);
    if (!np->b_cont) {
      freemsg(w, np, "msgpullup");
      return nullptr;
    }
  }
  return np;
}

size_t msgdsize(const ks_mblk_t* mp) {
  size_t n = 0;
  for (; mp; mp = mp->b_cont)
    if (mp->b_datap->db_type == KS_M_DATA) n += size_t(mp->b_wptr - mp->b_rptr);
  return n;
}

size_t msgsize(const ks_mblk_t* mp) {
  size_t n = 0;
  for (; mp; mp = mp->b_cont) n += size_t(mp->b_wptr - mp->b_rptr);
  return n;
}

namespace {
// The bytes of mp's leading blocks of its first block's type (illumos's
// xmsgsize, which pullupmsg and adjmsg measure with).
size_t lead_size(const ks_mblk_t* mp) {
  unsigned char t = mp->b_datap->db_type;
  size_t n = 0;
  for (; mp && mp->b_datap->db_type == t; mp = mp->b_cont) n += size_t(mp->b_wptr - mp->b_rptr);
  return n;
}
}  // namespace

int adjmsg(World& w, ks_mblk_t* mp, ptrdiff_t len) {
  bool head = len >= 0;
  size_t left = size_t(head ? len : -len);
  if (lead_size(mp) < left) return 0;
  if (head) {
    // From the front; a block emptied on the way (not the first) is freed.
    ks_mblk_t* prev = nullptr;
    for (ks_mblk_t* b = mp; left && b;) {
      size_t n = std::min(left, size_t(b->b_wptr - b->b_rptr));
      b->b_rptr += n;
      left -= n;
      ks_mblk_t* next = b->b_cont;
      if (prev && b->b_rptr == b->b_wptr) {
        prev->b_cont = next;
        b->b_cont = nullptr;
        freeb(w, b, "adjmsg");
      } else {
        prev = b;
      }
      b = next;
    }
    return 1;
  }
  // From the back of the leading run of the first block's type: its last
  // block shrinks, and goes (not the first) once empty; then the one before.
  unsigned char t = mp->b_datap->db_type;
  while (left) {
    ks_mblk_t* last = nullptr;
    ks_mblk_t* before = nullptr;
    for (ks_mblk_t* b = mp; b && b->b_datap->db_type == t; b = b->b_cont) {
      before = last;
      last = b;
    }
    size_t n = std::min(left, size_t(last->b_wptr - last->b_rptr));
    last->b_wptr -= n;
    left -= n;
    if (last != mp && last->b_rptr == last->b_wptr) {
      before->b_cont = last->b_cont;
      last->b_cont = nullptr;
      freeb(w, last, "adjmsg");
    } else if (n == 0) {
      break;  // only the empty first block is left (not reached: sizes checked)
    }
  }
  return 1;
}

void linkb(ks_mblk_t* mp, ks_mblk_t* bp) {
  while (mp->b_cont) mp = mp->b_cont;
  mp->b_cont = bp;
}

ks_mblk_t* unlinkb(ks_mblk_t* mp) {
  ks_mblk_t* r = mp->b_cont;
  mp->b_cont = nullptr;
  return r;
}

uint64_t bufcall(World& w, size_t, void (*fn)(void*), void* arg) {
  if (w.inject_fault()) return 0;
  return callout_timeout(w, fn, arg, w.sim().now(), "bufcall");
}

void unbufcall(World& w, uint64_t id) {
  if (id) callout_untimeout(w, id);
}

}  // namespace ks::km::str
