// illumos kstats: kernel memory from kstat_create to kstat_delete, and the
// I/O queue accounting of KSTAT_TYPE_IO (the driver holds ks_lock). A kstat
// still installed at teardown is reported: its module is gone, the pointer
// kstat readers follow is not.
#include <cstring>
#include <string>

#include "kernel_model/kmem.h"
#include "kernel_model/illumos/il_state.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/kstat.h>
}

namespace {

using ks::km::World;

void copy(char* dst, const char* src) {
  std::strncpy(dst, src ? src : "", KSTAT_STRLEN - 1);
  dst[KSTAT_STRLEN - 1] = 0;
}

hrtime_t now() { return static_cast<hrtime_t>(ks_now_ns()); }

}  // namespace

extern "C" {

kstat_t* kstat_create(const char* module, int instance, const char* name, const char* cls,
                      uchar_t type, uint_t ndata, uchar_t flags) {
  World& w = *World::current();
  if (type != KSTAT_TYPE_IO && type != KSTAT_TYPE_NAMED) return nullptr;  // not modelled
  if (type == KSTAT_TYPE_NAMED && ndata == 0) return nullptr;
  size_t dsize = type == KSTAT_TYPE_IO ? sizeof(kstat_io_t) : ndata * sizeof(kstat_named_t);
  if (flags & KSTAT_FLAG_VIRTUAL) dsize = 0;  // the driver supplies ks_data
  auto* k = static_cast<kstat_t*>(
      ks::km::kmem_alloc(w, sizeof(kstat_t), ks::km::kKmemSleep | ks::km::kKmemZero, "kstat_create"));
  copy(k->ks_module, module);
  copy(k->ks_name, name);
  copy(k->ks_class, cls);
  k->ks_instance = instance;
  k->ks_type = type;
  k->ks_flags = flags;
  k->ks_ndata = ndata ? ndata : 1;
  k->ks_data_size = dsize;
  k->ks_data = dsize ? ks::km::kmem_alloc(w, dsize, ks::km::kKmemSleep | ks::km::kKmemZero,
                                           "kstat_create")
                    : nullptr;
  return k;
}

kstat_t* kstat_create_zone(const char* module, int instance, const char* name, const char* cls,
                           uchar_t type, uint_t ndata, uchar_t flags, zoneid_t) {
  return kstat_create(module, instance, name, cls, type, ndata, flags);
}

void kstat_install(kstat_t* k) {
  if (!k) return;
  ks::km::illumos::il_state(*World::current()).kstats.push_back(k);
  k->ks_ks_installed = 1;
}

void kstat_delete(kstat_t* k) {
  if (!k) return;
  World& w = *World::current();
  if (k->ks_ks_installed) {
    auto& l = ks::km::illumos::il_state(w).kstats;
    for (size_t i = 0; i < l.size(); i++)
      if (l[i] == k) {
        l.erase(l.begin() + static_cast<ptrdiff_t>(i));
        break;
      }
  }
  if (k->ks_data_size) ks::km::kmem_free(w, k->ks_data, k->ks_data_size, "kstat_delete");
  ks::km::kmem_free(w, k, sizeof(kstat_t), "kstat_delete");
}

void kstat_named_init(kstat_named_t* kn, const char* name, uchar_t type) {
  std::memset(kn, 0, sizeof *kn);
  copy(kn->name, name);
  kn->data_type = type;
}

void kstat_named_setstr(kstat_named_t* kn, const char* src) {
  kn->value.str.addr.ptr = const_cast<char*>(src);
  kn->value.str.len = src ? static_cast<uint32_t>(std::strlen(src) + 1) : 0;
}

void kstat_waitq_enter(kstat_io_t* k) {
  k->wlastupdate = now();
  k->wcnt++;
}
void kstat_waitq_exit(kstat_io_t* k) {
  hrtime_t t = now();
  k->wtime += t - k->wlastupdate;
  k->wlastupdate = t;
  if (k->wcnt) k->wcnt--;
}
void kstat_runq_enter(kstat_io_t* k) {
  k->rlastupdate = now();
  k->rcnt++;
}
void kstat_runq_exit(kstat_io_t* k) {
  hrtime_t t = now();
  k->rtime += t - k->rlastupdate;
  k->rlastupdate = t;
  if (k->rcnt) k->rcnt--;
}
void kstat_waitq_to_runq(kstat_io_t* k) {
  kstat_waitq_exit(k);
  kstat_runq_enter(k);
}
void kstat_runq_back_to_waitq(kstat_io_t* k) {
  kstat_runq_exit(k);
  kstat_waitq_enter(k);
}

}  // extern "C"
