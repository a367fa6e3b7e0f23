// DDI task queues (ddi_taskq_create(9F)): the kernel model's taskq under
// the DDI's names and return values (DDI_SUCCESS/DDI_FAILURE). The macros
// in sys/sunddi.h pass the driver's spelling of the queue.
extern "C" {
#include <sys/sunddi.h>
}

extern "C" {

ddi_taskq_t* ks_il_ddi_taskq_create(dev_info_t*, const char* name, int nthreads,
                                    const char* expr) {
  return reinterpret_cast<ddi_taskq_t*>(
      ks_taskq_create(name, nthreads > 0 ? nthreads : 1, 0, expr));
}

int ks_il_ddi_taskq_dispatch(ddi_taskq_t* tq, void (*fn)(void*), void* arg, uint_t dflags,
                             const char* expr) {
  int f = (dflags & DDI_NOSLEEP) ? KS_TQ_NOSLEEP : KS_TQ_SLEEP;
  return ks_taskq_dispatch(reinterpret_cast<ks_taskq_t*>(tq), fn, arg, f, expr) ? DDI_SUCCESS
                                                                                 : DDI_FAILURE;
}

}  // extern "C"
