// illumos user memory, data models and credentials onto the neutral calls:
// return conventions (copyin(9F) and ddi_copyin(9F) say -1, not EFAULT) and
// FKIOCTL, which tells a layered ioctl's kernel buffer from a user one.
#include <cerrno>
#include <cstring>

extern "C" {
#include <sys/cred.h>
#include <sys/policy.h>
#include <sys/file.h>
#include <sys/model.h>
#include <sys/sunddi.h>
}

namespace {
inline uint64_t UA(const void* p) { return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(p)); }
inline const ks_cred* KC(const cred_t* c) { return reinterpret_cast<const ks_cred*>(c); }
}  // namespace

extern "C" {

cred_t* kcred = reinterpret_cast<cred_t*>(const_cast<ks_cred*>(ks_kcred()));

int ddi_copyin(const void* buf, void* driverbuf, size_t cn, int flags) {
  if (flags & FKIOCTL) {
    std::memcpy(driverbuf, buf, cn);
    return 0;
  }
  return ks_copyin(UA(buf), driverbuf, cn) == 0 ? 0 : -1;
}

int ddi_copyout(const void* driverbuf, void* buf, size_t cn, int flags) {
  if (flags & FKIOCTL) {
    std::memcpy(buf, driverbuf, cn);
    return 0;
  }
  return ks_copyout(driverbuf, UA(buf), cn) == 0 ? 0 : -1;
}

int copyin(const void* userbuf, void* driverbuf, size_t cn) {
  return ks_copyin(UA(userbuf), driverbuf, cn) == 0 ? 0 : -1;
}

int copyout(const void* driverbuf, void* userbuf, size_t cn) {
  return ks_copyout(driverbuf, UA(userbuf), cn) == 0 ? 0 : -1;
}

int copyinstr(const char* uaddr, char* kaddr, size_t maxlength, size_t* lencopied) {
  return ks_copyinstr(UA(uaddr), kaddr, maxlength, lencopied);
}

int copyoutstr(const char* kaddr, char* uaddr, size_t maxlength, size_t* lencopied) {
  return ks_copyoutstr(kaddr, UA(uaddr), maxlength, lencopied);
}

uint_t ddi_model_convert_from(model_t model) {
  return (model & DDI_MODEL_MASK) == DDI_MODEL_ILP32 ? DDI_MODEL_ILP32 : DDI_MODEL_NONE;
}

pid_t ddi_get_pid(void) { return static_cast<pid_t>(ks_curproc_pid()); }

cred_t* ks_il_cred(void) { return reinterpret_cast<cred_t*>(const_cast<ks_cred*>(ks_curcred())); }

uid_t crgetuid(const cred_t* c) { return ks_cred_uid(KC(c)); }
uid_t crgetruid(const cred_t* c) { return ks_cred_uid(KC(c)); }
uid_t crgetsuid(const cred_t* c) { return ks_cred_uid(KC(c)); }
gid_t crgetgid(const cred_t* c) { return ks_cred_gid(KC(c)); }
gid_t crgetrgid(const cred_t* c) { return ks_cred_gid(KC(c)); }
gid_t crgetsgid(const cred_t* c) { return ks_cred_gid(KC(c)); }
zoneid_t crgetzoneid(const cred_t* c) {
  ks_cred_uid(KC(c));  // a NULL credential is reported, as crgetuid would
  return GLOBAL_ZONEID;
}
// The model's credentials carry no supplementary groups (proc.h Cred);
// illumos cred.c answers a credential without a group list with 0 and a
// pointer to its gid, which callers must not read past count 0.
int crgetngroups(const cred_t* c) {
  ks_cred_uid(KC(c));  // a NULL credential is reported, as crgetuid would
  return 0;
}
const gid_t* crgetgroups(const cred_t* c) {
  ks_cred_uid(KC(c));
  static const gid_t none = 0;
  return &none;
}
int drv_priv(cred_t* c) { return ks_cred_priv(KC(c)); }

// sys/policy.h: every privilege is root's (no privilege sets in the model).
int secpolicy_sys_config(const cred_t* c, boolean_t) { return ks_cred_priv(KC(c)); }
int secpolicy_net_config(const cred_t* c, boolean_t) { return ks_cred_priv(KC(c)); }
int secpolicy_dl_config(const cred_t* c) { return ks_cred_priv(KC(c)); }
int secpolicy_net_rawaccess(const cred_t* c) { return ks_cred_priv(KC(c)); }
int secpolicy_resource(const cred_t* c) { return ks_cred_priv(KC(c)); }
int secpolicy_console(const cred_t* c) { return ks_cred_priv(KC(c)); }
int secpolicy_ponline(const cred_t* c) { return ks_cred_priv(KC(c)); }
int secpolicy_sys_devices(const cred_t* c) { return ks_cred_priv(KC(c)); }
int secpolicy_blacklist(const cred_t* c) { return ks_cred_priv(KC(c)); }
int secpolicy_excl_open(const cred_t* c) { return ks_cred_priv(KC(c)); }
// Counted per process (kcred is never freed): a hold left at teardown is
// leak:cred, a crfree beyond the holds a panic (the cred's last reference
// is its process's).
void crhold(cred_t* c) { ks_cred_hold(KC(c), "crhold"); }
void crfree(cred_t* c) { ks_cred_rele(KC(c), "crfree"); }

}  // extern "C"
