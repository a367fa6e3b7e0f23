// Periodic callouts (ddi_periodic_add(9F)): a kmem record (deleting it is
// the driver's job, a leak otherwise) whose callout re-arms itself after
// each run, interval_ns of virtual time after the previous deadline.
#include <cstring>
#include <new>

extern "C" {
#include <sys/sunddi.h>
}

#undef ddi_periodic_add

struct ks_il_periodic {
  void (*fn)(void*);
  void* arg;
  uint64_t interval;
  uint64_t next;  // the deadline of the scheduled run
  uint64_t id;
  bool deleted;
  char name[64];
};

namespace {

void run(void* p) {
  auto* r = static_cast<ks_il_periodic*>(p);
  r->fn(r->arg);
  if (r->deleted) return;  // deleted from its own function: no next run
  r->next += r->interval;
  r->id = ks_timeout(run, r, r->next, r->name);
}

}  // namespace

extern "C" {

ddi_periodic_t ks_il_periodic_add(void (*fn)(void*), void* arg, hrtime_t interval,
                                  const char* name) {
  // illumos rounds the interval up to 10 ms at least
  uint64_t ns = interval < 10000000 ? 10000000 : static_cast<uint64_t>(interval);
  auto* r = static_cast<ks_il_periodic*>(
      ks_kmem_alloc(sizeof(ks_il_periodic), KS_KM_SLEEP, "ddi_periodic_add"));
  new (r) ks_il_periodic{fn, arg, ns, ks_now_ns() + ns, 0, false, {}};
  std::strncpy(r->name, name && *name ? name : "periodic", sizeof r->name - 1);
  r->id = ks_timeout(run, r, r->next, r->name);
  return r;
}

void ddi_periodic_delete(ddi_periodic_t r) {
  if (!r) return;
  r->deleted = true;
  // Cancels the next run, or waits for the running one; from inside the
  // function itself it returns at once. A running one that had passed its
  // check of `deleted` re-arms (ks_timeout is a scheduling point) and
  // stores the new id before it ends: that one is cancelled in turn, so no
  // run is left armed on the freed record.
  for (;;) {
    uint64_t id = r->id;
    ks_untimeout(id);
    if (r->id == id) break;
  }
  ks_kmem_free(r, sizeof(ks_il_periodic), "ddi_periodic_delete");
}

}  // extern "C"
