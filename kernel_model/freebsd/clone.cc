// clone(9) and the dev_clone event (kern_conf.c, devfs_vnops.c; read in
// freebsd-src). open(2) of a name under /dev that no node has runs the
// dev_clone handlers on the opening thread, as devfs_lookupx does: with
// the thread's credential, the name below /dev and its length, and &cdev
// starting NULL, so each handler sees what an earlier one returned. A
// handler returns its cdev with a reference of its own (MAKEDEV_REF or
// dev_ref), which devfs drops (dev_rel) once it has the cdev's directory
// entry; a cdev with no name yet (clone_create's, before make_dev) has
// none, so the open is ENOENT, as on FreeBSD.
#include <cerrno>
#include <cstring>
#include <set>
#include <string>

#include "kernel_model/devsw.h"
#include "kernel_model/freebsd/cdev_record.h"
#include "kernel_model/freebsd/state.h"
#include "kernel_model/syscalls.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/conf.h>
#include <sys/eventhandler.h>
#include <sys/proc.h>
#include <sys/systm.h>
}

#undef printf
#undef panic
#undef curthread

using ks::km::World;

// A driver's clone list (M_DEVBUF on FreeBSD: kmem here, so a list a
// driver never hands to clone_cleanup is a leak). Its members are the
// records whose `clones` names it.
struct clonedevs {
  int unused;
};

namespace {

ks::km::freebsd::FbState& fb(World& w) { return ks::km::freebsd::state(w); }

constexpr size_t kSpecNameLen = 255;  // SPECNAMELEN (sys/param.h, from memory)

ks::km::DevNode* dev_clone(World& w, const std::string& path, ks::km::Proc&) {
  if (!ks::km::freebsd::has_state(w) || fb(w).eventhandlers.empty()) return nullptr;
  if (path.compare(0, 5, "/dev/") != 0 || path.size() == 5) return nullptr;
  std::string name = path.substr(5);
  if (name.size() > kSpecNameLen) return nullptr;  // devfs_fqpn: no name, no event
  if (!ks_fb_eventhandler_next("dev_clone", nullptr)) return nullptr;
  char pname[kSpecNameLen + 1];
  std::memcpy(pname, name.c_str(), name.size() + 1);
  struct cdev* cdev = nullptr;
  struct thread* td = ks_fb_curthread();
  EVENTHANDLER_INVOKE(dev_clone, td->td_ucred, pname, static_cast<int>(std::strlen(pname)),
                      &cdev);
  if (!cdev) return nullptr;
  ks_fb_cdev* c = cdev->si_ks;
  ks::km::DevNode* n = c && !c->destroyed && c->node ? c->node : nullptr;
  dev_rel(cdev);
  return n;
}
[[maybe_unused]] const bool miss_hook = (ks::km::register_open_miss_hook(dev_clone), true);

}  // namespace

extern "C" {

void dev_ref(struct cdev* dev) { dev->si_refcount++; }

void dev_rel(struct cdev* dev) {
  // INVARIANTS' KASSERT in dev_rel (kern_conf.c).
  if (--dev->si_refcount < 0) {
    World& w = *World::current();
    const char* drv = dev->si_devsw && dev->si_devsw->d_name ? dev->si_devsw->d_name : "?";
    std::string what = dev->si_name[0] ? std::string(dev->si_name)
                                       : std::string("unnamed cdev of ") + drv + " unit " +
                                             std::to_string(dev->si_drv0);
    w.fail(ks::sim::FailureKind::kPanic,
           std::string("panic: dev_rel(") + dev->si_name + ") gave negative count [" + what +
               "]: a reference dropped that was never taken (a dev_clone handler returns its "
               "cdev with one of its own, MAKEDEV_REF or dev_ref, which devfs drops after the "
               "lookup)",
           std::string("dev_rel_negative:") + drv);
  }
}

int dev_stdclone(char* name, char** namep, const char* stem, int* unit) {
  size_t i = std::strlen(stem);
  if (std::strncmp(stem, name, i) != 0) return 0;
  auto digit = [](char ch) { return ch >= '0' && ch <= '9'; };
  if (!digit(name[i])) return 0;
  if (name[i] == '0' && digit(name[i + 1])) return 0;  // no leading zero
  int u = 0;
  while (digit(name[i])) {
    u = u * 10 + (name[i++] - '0');
    if (u > 0xffffff) return 0;
  }
  *unit = u;
  if (namep) *namep = &name[i];
  return name[i] ? 2 : 1;
}

void clone_setup(struct clonedevs** cdp) {
  *cdp = static_cast<struct clonedevs*>(
      ks_kmem_alloc(sizeof(struct clonedevs), KS_KM_SLEEP | KS_KM_MALLOC, "clonedevs"));
  (*cdp)->unused = 0;
}

int clone_create(struct clonedevs** cdp, struct cdevsw* csw, int* up, struct cdev** dp,
                 int extra) {
  const char* dn = csw->d_name ? csw->d_name : "?";
  // kern_conf.c's KASSERTs, an INVARIANTS kernel's panics.
  if (!*cdp) ks_panic("clone_setup() not called in driver \"%s\"", dn);
  if (extra & CLONE_UNITMASK) ks_panic("Illegal extra bits (0x%x) in clone_create", extra);
  if (*up > CLONE_UNITMASK) ks_panic("Too high unit (0x%x) in clone_create", *up);
  if (!(csw->d_flags & D_NEEDMINOR))
    ks_panic("clone_create() on cdevsw without minor numbers");
  World& w = *World::current();
  auto& s = fb(w);
  int unit = *up;
  std::set<int> taken;
  for (ks_fb_cdev& c : s.cdevs) {
    if (c.destroyed || c.clones != *cdp) continue;
    if (c.cdev.si_drv0 == (unit | extra)) {
      *dp = &c.cdev;
      return 0;
    }
    taken.insert(c.cdev.si_drv0);
  }
  if (unit == -1) {
    int low = extra;
    while (taken.count(low)) low++;
    unit = low & CLONE_UNITMASK;
  }
  // newdev: a live cdev of the cdevsw with that unit is the one, else a
  // new one, unnamed until make_dev.
  ks_fb_cdev* c = nullptr;
  for (ks_fb_cdev& o : s.cdevs)
    if (!o.destroyed && o.cdev.si_devsw == csw && o.cdev.si_drv0 == (unit | extra)) c = &o;
  if (c && c->clones) ks_panic("dev %p (%s) is on clonelist", (void*)&c->cdev, c->cdev.si_name);
  if (!c) {
    c = &s.cdevs.emplace_back();
    c->w = &w;
    c->cdev.si_devsw = csw;
    c->cdev.si_drv0 = unit | extra;
    c->cdev.si_ks = c;
  }
  c->clones = *cdp;
  c->cdev.si_flags |= SI_CLONELIST;
  *up = unit;
  return 1;
}

void clone_cleanup(struct clonedevs** cdp) {
  struct clonedevs* cd = *cdp;
  if (!cd) return;
  World& w = *World::current();
  // Destroyed one by one: destroy_dev sleeps, and the deque does not move.
  for (;;) {
    ks_fb_cdev* c = nullptr;
    for (ks_fb_cdev& o : fb(w).cdevs)
      if (!o.destroyed && o.clones == cd) {
        c = &o;
        break;
      }
    if (!c) break;
    c->clones = nullptr;
    c->cdev.si_flags &= ~SI_CLONELIST;
    if (!(c->cdev.si_flags & SI_NAMED))
      ks_panic("Driver has goofed in cloning underways udev unit %x", c->cdev.si_drv0);
    destroy_dev(&c->cdev);
  }
  ks_kmem_free(cd, sizeof(struct clonedevs), "clone_cleanup");
  *cdp = nullptr;
}

// FreeBSD waits for the dev_clone calls in progress (devfs_lookupx holds
// clone_drain_lock shared around them). Here nothing is left to wait for:
// the EVENTHANDLER_DEREGISTER that must come first already waited for the
// event's calls to end, and a lookup after it finds no handler. (After
// EVENTHANDLER_DEREGISTER_NOWAIT a call may still run: not waited for.)
void drain_dev_clone_events(void) {}

}  // extern "C"
