// Device memory mapping (segmap, devmap) and address spaces: not modelled.
// These exist so real drivers link; reaching one is a reported
// "not_modelled:<name>" failure (ks_not_modelled), not a crash.
extern "C" {
#include <sys/sunddi.h>
#include <vm/as.h>
}

extern "C" {

struct as kas;

int ddi_segmap(dev_t, off_t, struct as*, caddr_t*, off_t, uint_t, uint_t, uint_t, cred_t*) {
  ks_not_modelled("ddi_segmap");
}
int ddi_segmap_setup(dev_t, off_t, struct as*, caddr_t*, off_t, uint_t, uint_t, uint_t, cred_t*,
                     ddi_device_acc_attr_t*, uint_t) {
  ks_not_modelled("ddi_segmap_setup");
}
int ddi_devmap_segmap(dev_t, off_t, struct as*, caddr_t*, off_t, uint_t, uint_t, uint_t,
                      cred_t*) {
  ks_not_modelled("ddi_devmap_segmap");
}
int devmap_setup(dev_t, offset_t, struct as*, caddr_t*, size_t, uint_t, uint_t, uint_t,
                 cred_t*) {
  ks_not_modelled("devmap_setup");
}
int devmap_devmem_setup(devmap_cookie_t, dev_info_t*, struct devmap_callback_ctl*, uint_t,
                        offset_t, size_t, uint_t, uint_t, ddi_device_acc_attr_t*) {
  ks_not_modelled("devmap_devmem_setup");
}
int devmap_umem_setup(devmap_cookie_t, dev_info_t*, struct devmap_callback_ctl*,
                      ddi_umem_cookie_t, offset_t, size_t, uint_t, uint_t,
                      ddi_device_acc_attr_t*) {
  ks_not_modelled("devmap_umem_setup");
}
int devmap_load(devmap_cookie_t, offset_t, size_t, uint_t, uint_t) {
  ks_not_modelled("devmap_load");
}
int devmap_unload(devmap_cookie_t, offset_t, size_t) { ks_not_modelled("devmap_unload"); }
int as_fault(struct hat*, struct as*, caddr_t, size_t, enum fault_type, enum seg_rw) {
  ks_not_modelled("as_fault");
}
pfn_t hat_getpfnum(struct hat*, caddr_t) { ks_not_modelled("hat_getpfnum"); }

}  // extern "C"
