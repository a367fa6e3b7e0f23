// make_dev(9)'s older constructors (make_dev, make_dev_cred, make_dev_credf,
// make_dev_p) on make_dev_s: the name is formatted here and handed on as
// "%s". As a FreeBSD INVARIANTS kernel, a failure panics unless the caller
// passed MAKEDEV_CHECKNAME (then NULL, or make_dev_p's error).
#include <cerrno>
#include <cstdarg>
#include <cstdio>

extern "C" {
#include <sys/conf.h>
#include <sys/systm.h>
}

#undef panic

namespace {

int vmake(int flags, struct cdev** out, struct cdevsw* devsw, int unit, uid_t uid, gid_t gid,
          int mode, const char* fmt, va_list ap) {
  char name[128];
  int n = std::vsnprintf(name, sizeof name, fmt, ap);
  if (n < 0 || size_t(n) >= sizeof name) return ENAMETOOLONG;
  struct make_dev_args a;
  make_dev_args_init(&a);
  a.mda_flags = flags;
  a.mda_devsw = devsw;
  a.mda_uid = uid;
  a.mda_gid = gid;
  a.mda_mode = mode;
  a.mda_unit = unit;
  int e = make_dev_s(&a, out, "%s", name);
  if (e && !(flags & MAKEDEV_CHECKNAME))
    ks_panic("make_dev: failed to create %s (error %d)", name, e);
  return e;
}

}  // namespace

extern "C" {

struct cdev* make_dev(struct cdevsw* devsw, int unit, uid_t uid, gid_t gid, int mode,
                      const char* fmt, ...) {
  struct cdev* d = nullptr;
  va_list ap;
  va_start(ap, fmt);
  int e = vmake(0, &d, devsw, unit, uid, gid, mode, fmt, ap);
  va_end(ap);
  return e ? nullptr : d;
}

struct cdev* make_dev_cred(struct cdevsw* devsw, int unit, struct ucred*, uid_t uid, gid_t gid,
                           int mode, const char* fmt, ...) {
  struct cdev* d = nullptr;
  va_list ap;
  va_start(ap, fmt);
  int e = vmake(0, &d, devsw, unit, uid, gid, mode, fmt, ap);
  va_end(ap);
  return e ? nullptr : d;
}

struct cdev* make_dev_credf(int flags, struct cdevsw* devsw, int unit, struct ucred*, uid_t uid,
                            gid_t gid, int mode, const char* fmt, ...) {
  struct cdev* d = nullptr;
  va_list ap;
  va_start(ap, fmt);
  int e = vmake(flags, &d, devsw, unit, uid, gid, mode, fmt, ap);
  va_end(ap);
  return e ? nullptr : d;
}

int make_dev_p(int flags, struct cdev** cdev, struct cdevsw* devsw, struct ucred*, uid_t uid,
               gid_t gid, int mode, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int e = vmake(flags, cdev, devsw, 0, uid, gid, mode, fmt, ap);
  va_end(ap);
  return e;
}

}  // extern "C"
