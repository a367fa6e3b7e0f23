// Interrupts (sys/ddi_intr.h). No simulated device has hardware interrupts,
// so every query finds none and every attempt to add one fails, as on a
// pseudo device. A soft interrupt is a kmem record (its handle: removing it
// is the driver's job, a leak otherwise); triggering it schedules a callout
// due now, so the handler runs in interrupt context on its own thread,
// racing with the trigger's caller; one trigger while it is pending is
// DDI_EPENDING (the old ddi_trigger_softintr just coalesces); removal
// cancels a pending run and waits for every running one. A run clears the
// pending mark as it starts, so a trigger during a run starts another that
// may overlap it (illumos keeps the pending mark per CPU: the handler of one
// soft interrupt can run on two CPUs at once), and removal must wait for
// both: i86pc's rem_avsoftintr waits until every CPU has left that level
// (wait_till_seen, read in illumos-gate) and a pending run of a removed
// handler never starts.
#include <cstring>
#include <new>

extern "C" {
#include <sys/ddi_intr.h>
#include <sys/sunddi.h>
}

#undef ddi_intr_add_softint
#undef ddi_add_softintr

namespace {

struct SoftInt {
  ddi_intr_handler_t* fn2 = nullptr;  // new style: (arg1, arg2)
  uint_t (*fn1)(caddr_t) = nullptr;   // ddi_add_softintr: (arg)
  void* arg1 = nullptr;
  void* arg2 = nullptr;
  uint_t pri = DDI_INTR_SOFTPRI_DEFAULT;
  bool pending = false;
  // The callouts of the runs triggered and not yet finished: a handler
  // that does not block finishes long before a sixteenth overlaps it.
  static constexpr int kMaxRuns = 16;
  uint64_t ids[kMaxRuns] = {};
  int nids = 0;
  uint32_t unfinished = 0;
  char name[64];
};

void run(void* p) {
  auto* s = static_cast<SoftInt*>(p);
  s->pending = false;  // a trigger from the handler queues another run
  if (s->fn2)
    (void)s->fn2(static_cast<caddr_t>(s->arg1), static_cast<caddr_t>(s->arg2));
  else
    (void)s->fn1(static_cast<caddr_t>(s->arg1));
  if (--s->unfinished == 0) s->nids = 0;  // nothing left to wait for
}

SoftInt* make(const char* op, const char* name) {
  auto* s = static_cast<SoftInt*>(ks_kmem_alloc(sizeof(SoftInt), KS_KM_SLEEP, op));
  new (s) SoftInt();
  std::strncpy(s->name, name && *name ? name : "softint", sizeof s->name - 1);
  s->name[sizeof s->name - 1] = '\0';
  return s;
}

int trigger(SoftInt* s) {
  if (s->pending) return DDI_EPENDING;
  if (s->nids == SoftInt::kMaxRuns)
    ks_not_modelled("more than 16 overlapping runs of one soft interrupt handler");
  s->pending = true;
  s->unfinished++;
  s->ids[s->nids++] = ks_timeout(run, s, ks_now_ns(), s->name);
  return DDI_SUCCESS;
}

void remove(SoftInt* s, const char* op) {
  // Each cancel of a run not started, or wait for a running one, is a
  // scheduling point: take the ids first, a run ending meanwhile clears them.
  uint64_t ids[SoftInt::kMaxRuns];
  const int n = s->nids;
  std::memcpy(ids, s->ids, sizeof(uint64_t) * n);
  for (int i = 0; i < n; i++)
    if (ks_untimeout(ids[i]) == 1) s->unfinished--;
  ks_kmem_free(s, sizeof(SoftInt), op);
}

}  // namespace

extern "C" {

int ddi_intr_get_supported_types(dev_info_t*, int* typesp) {
  *typesp = 0;
  return DDI_FAILURE;
}
int ddi_intr_get_nintrs(dev_info_t*, int, int* n) {
  *n = 0;
  return DDI_FAILURE;
}
int ddi_intr_get_navail(dev_info_t*, int, int* n) {
  *n = 0;
  return DDI_FAILURE;
}
int ddi_intr_alloc(dev_info_t*, ddi_intr_handle_t*, int, int, int, int* actualp, int) {
  if (actualp) *actualp = 0;
  return DDI_FAILURE;
}
// The handle-taking calls: no handle can exist (ddi_intr_alloc fails).
int ddi_intr_free(ddi_intr_handle_t) { return DDI_FAILURE; }
int ddi_intr_get_pri(ddi_intr_handle_t, uint_t*) { return DDI_FAILURE; }
int ddi_intr_set_pri(ddi_intr_handle_t, uint_t) { return DDI_FAILURE; }
int ddi_intr_get_cap(ddi_intr_handle_t, int*) { return DDI_FAILURE; }
int ddi_intr_set_cap(ddi_intr_handle_t, int) { return DDI_FAILURE; }
int ddi_intr_add_handler(ddi_intr_handle_t, ddi_intr_handler_t, void*, void*) {
  return DDI_FAILURE;
}
int ddi_intr_remove_handler(ddi_intr_handle_t) { return DDI_FAILURE; }
int ddi_intr_dup_handler(ddi_intr_handle_t, int, ddi_intr_handle_t*) { return DDI_FAILURE; }
int ddi_intr_enable(ddi_intr_handle_t) { return DDI_FAILURE; }
int ddi_intr_disable(ddi_intr_handle_t) { return DDI_FAILURE; }
int ddi_intr_block_enable(ddi_intr_handle_t*, int) { return DDI_FAILURE; }
int ddi_intr_block_disable(ddi_intr_handle_t*, int) { return DDI_FAILURE; }
int ddi_intr_set_mask(ddi_intr_handle_t) { return DDI_FAILURE; }
int ddi_intr_clr_mask(ddi_intr_handle_t) { return DDI_FAILURE; }
int ddi_intr_get_pending(ddi_intr_handle_t, int*) { return DDI_FAILURE; }
int ddi_intr_set_nreq(dev_info_t*, int) { return DDI_FAILURE; }
uint_t ddi_intr_get_hilevel_pri(void) { return LOCK_LEVEL + 1; }

int ks_il_intr_add_softint(dev_info_t*, ddi_softint_handle_t* hp, int pri,
                           ddi_intr_handler_t fn, void* arg1, const char* name) {
  if (!hp || !fn || pri < DDI_INTR_SOFTPRI_MIN || pri > DDI_INTR_SOFTPRI_MAX)
    return DDI_EINVAL;
  SoftInt* s = make("ddi_intr_add_softint", name);
  s->fn2 = fn;
  s->arg1 = arg1;
  s->pri = static_cast<uint_t>(pri);
  *hp = reinterpret_cast<ddi_softint_handle_t>(s);
  return DDI_SUCCESS;
}
int ddi_intr_trigger_softint(ddi_softint_handle_t h, void* arg2) {
  auto* s = reinterpret_cast<SoftInt*>(h);
  if (!s) return DDI_EINVAL;
  if (s->pending) return DDI_EPENDING;
  s->arg2 = arg2;
  return trigger(s);
}
int ddi_intr_remove_softint(ddi_softint_handle_t h) {
  if (!h) return DDI_EINVAL;
  remove(reinterpret_cast<SoftInt*>(h), "ddi_intr_remove_softint");
  return DDI_SUCCESS;
}
int ddi_intr_get_softint_pri(ddi_softint_handle_t h, uint_t* prip) {
  if (!h || !prip) return DDI_EINVAL;
  *prip = reinterpret_cast<SoftInt*>(h)->pri;
  return DDI_SUCCESS;
}
int ddi_intr_set_softint_pri(ddi_softint_handle_t h, uint_t pri) {
  if (!h || pri < DDI_INTR_SOFTPRI_MIN || pri > DDI_INTR_SOFTPRI_MAX) return DDI_EINVAL;
  reinterpret_cast<SoftInt*>(h)->pri = pri;
  return DDI_SUCCESS;
}

int ddi_intr_hilevel(dev_info_t*, uint_t) { return 0; }
int ddi_get_iblock_cookie(dev_info_t*, uint_t, ddi_iblock_cookie_t*) {
  return DDI_INTR_NOTFOUND;
}
int ddi_add_intr(dev_info_t*, uint_t, ddi_iblock_cookie_t*, ddi_idevice_cookie_t*,
                 uint_t (*)(caddr_t), caddr_t) {
  return DDI_INTR_NOTFOUND;
}
void ddi_remove_intr(dev_info_t*, uint_t, ddi_iblock_cookie_t) {}
int ddi_dev_nintrs(dev_info_t*, int* resultp) {
  if (resultp) *resultp = 0;
  return DDI_FAILURE;
}

// The cookie of a soft interrupt is its priority (mutex_init ignores it).
int ddi_get_soft_iblock_cookie(dev_info_t*, int, ddi_iblock_cookie_t* ibcp) {
  if (ibcp) *ibcp = reinterpret_cast<ddi_iblock_cookie_t>(uintptr_t{DDI_INTR_SOFTPRI_MIN});
  return DDI_SUCCESS;
}
int ks_il_add_softintr(dev_info_t* dip, int, ddi_softintr_t* idp, ddi_iblock_cookie_t* ibcp,
                       ddi_idevice_cookie_t* idcp, uint_t (*fn)(caddr_t), caddr_t arg,
                       const char* name) {
  if (!idp || !fn) return DDI_FAILURE;
  SoftInt* s = make("ddi_add_softintr", name);
  s->fn1 = fn;
  s->arg1 = arg;
  *idp = reinterpret_cast<ddi_softintr_t>(s);
  ddi_get_soft_iblock_cookie(dip, 0, ibcp);
  if (idcp) std::memset(idcp, 0, sizeof *idcp);
  return DDI_SUCCESS;
}
void ddi_trigger_softintr(ddi_softintr_t id) {
  auto* s = reinterpret_cast<SoftInt*>(id);
  if (s && !s->pending) (void)trigger(s);
}
void ddi_remove_softintr(ddi_softintr_t id) {
  if (id) remove(reinterpret_cast<SoftInt*>(id), "ddi_remove_softintr");
}

}  // extern "C"
