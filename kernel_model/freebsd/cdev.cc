// FreeBSD character devices onto the device switch: make_dev_s creates the
// node /dev/<name> whose DevOps call the cdevsw; the ioctl path does what
// FreeBSD's generic ioctl code does before d_ioctl (copy the argument in by
// the command's IOC_IN/IOC_OUT and size, and out after a successful call),
// so d_ioctl gets a kernel pointer. destroy_dev removes the node, which
// waits until no thread is inside the device's methods: the device switch's
// drain, counted where FreeBSD counts si_threadcount.
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "kernel_model/boot_image.h"
#include "kernel_model/devmap.h"
#include "kernel_model/devsw.h"
#include "kernel_model/freebsd/cdev_record.h"
#include "kernel_model/freebsd/state.h"
#include "kernel_model/user_mem.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/conf.h>
#include <sys/mman.h>
#include <vm/vm.h>
#include <sys/fcntl.h>
#include <sys/poll.h>
#include <sys/systm.h>
#include <sys/uio.h>
}

#undef printf
#undef panic
#undef ticks
#undef curthread

using ks::km::World;

namespace ks::km::freebsd {

// The personality's World slot, taken when the host starts.
const int kFbSlot = World::new_component_slot();

// A driver points into the records (its cdevs, callouts): restored in place.
[[maybe_unused]] const bool image_hook =
    (World::set_component_image(
         kFbSlot,
         records_image<FbState, &FbState::cdevs, &FbState::kthreads, &FbState::callout_runs,
                       &FbState::sleepqs, &FbState::eh_lists, &FbState::sleep_pool,
                       &FbState::task_entries, &FbState::sysctl>()),
     true);

bool has_state(World& w) { return w.component(kFbSlot) != nullptr; }

FbState& state(World& w) {
  auto& slot = w.component(kFbSlot);
  if (!slot) {
    auto s = std::make_shared<FbState>();
    s->major = devsw_new_major(w);
    slot = s;
  }
  return *static_cast<FbState*>(slot.get());
}

namespace {

ks_fb_cdev* C(void* cookie) { return static_cast<ks_fb_cdev*>(cookie); }

constexpr int kSIfchr = 0020000;  // d_open's devtype for a character device

// The kernel model's open flags as FreeBSD's d_open/d_close see them (the
// file's f_flag: FREAD, FWRITE, O_NONBLOCK, O_EXCL with FreeBSD's values,
// the personality's sys/fcntl.h).
int fflags(int kf) {
  int f = kf & (FREAD | FWRITE);
  if (kf & (ks::km::kFNdelay | ks::km::kFNonblock)) f |= O_NONBLOCK;
  if (kf & ks::km::kFExcl) f |= O_EXCL;
  return f;
}

void enter(ks_fb_cdev* c) { ks::km::devsw_enter_driver(*c->node); }
void leave(ks_fb_cdev* c) { ks::km::devsw_leave_driver(*c->w, *c->node); }

int a_open(void* cookie, uint64_t*, int flags, bool, const Cred&) {
  ks_fb_cdev* c = C(cookie);
  if (c->destroyed) return ENXIO;
  d_open_t* fn = c->cdev.si_devsw ? c->cdev.si_devsw->d_open : nullptr;
  if (!fn) return 0;
  enter(c);
  int rc = fn(&c->cdev, fflags(flags), kSIfchr, ks_fb_curthread());
  leave(c);
  return rc;
}

int a_close(void* cookie, uint64_t, int flags, bool, const Cred&) {
  ks_fb_cdev* c = C(cookie);
  if (c->destroyed) return 0;
  d_close_t* fn = c->cdev.si_devsw ? c->cdev.si_devsw->d_close : nullptr;
  if (!fn) return 0;
  enter(c);
  int rc = fn(&c->cdev, fflags(flags), kSIfchr, ks_fb_curthread());
  leave(c);
  return rc;
}

// read(2)/write(2): one iovec over the user's buffer, as FreeBSD's
// vn_read builds it; the driver's uiomove advances it and we report back
// how much moved (a short transfer with an error still counts, as dofileread
// leaves it to the caller).
int rw(ks_fb_cdev* c, UserIo& io) {
  if (c->destroyed) return ENXIO;
  struct cdevsw* sw = c->cdev.si_devsw;
  d_read_t* fn = !sw ? nullptr : io.write ? sw->d_write : sw->d_read;
  if (!fn) return ENODEV;
  struct iovec iov;
  iov.iov_base = reinterpret_cast<void*>(static_cast<uintptr_t>(io.uaddr));
  iov.iov_len = io.resid;
  // Zeroed whole, padding too: it is on the fiber stack, which the last
  // execution left as it was, and it is the driver's to read.
  struct uio uio {};
  uio.uio_iov = &iov;
  uio.uio_iovcnt = 1;
  uio.uio_offset = io.offset;
  uio.uio_resid = static_cast<ssize_t>(io.resid);
  uio.uio_segflg = UIO_USERSPACE;
  uio.uio_rw = io.write ? UIO_WRITE : UIO_READ;
  uio.uio_td = ks_fb_curthread();
  int ioflag = (io.fmode & (ks::km::kFNdelay | ks::km::kFNonblock)) ? IO_NDELAY : 0;
  enter(c);
  int rc = fn(&c->cdev, &uio, ioflag);
  leave(c);
  io.uaddr += io.resid - static_cast<uint64_t>(uio.uio_resid);
  io.resid = static_cast<uint64_t>(uio.uio_resid);
  io.offset = uio.uio_offset;
  return rc;
}
int a_read(void* cookie, uint64_t, UserIo& io, const Cred&) { return rw(C(cookie), io); }
int a_write(void* cookie, uint64_t, UserIo& io, const Cred&) { return rw(C(cookie), io); }

int a_ioctl(void* cookie, uint64_t, int64_t cmd, uint64_t arg, int mode, const Cred&, int*) {
  ks_fb_cdev* c = C(cookie);
  // sys_ioctl (sys/kern/sys_generic.c) decodes the command word before the
  // file is looked at: a size over IOCPARM_MAX, no direction at all, IOC_IN
  // or IOC_OUT with no size, or IOC_VOID with a size other than an int's
  // never reaches d_ioctl.
  u_long com = static_cast<uint32_t>(cmd);
  size_t size = IOCPARM_LEN(com);
  if (size > IOCPARM_MAX || (com & (IOC_VOID | IOC_IN | IOC_OUT)) == 0 ||
      ((com & (IOC_IN | IOC_OUT)) && size == 0) ||
      ((com & IOC_VOID) && size > 0 && size != sizeof(int)))
    return ENOTTY;
  // On the fiber's stack, not the host heap: a thread abandoned asleep in
  // d_ioctl leaves nothing to free.
  alignas(16) unsigned char buf[IOCPARM_MAX];
  caddr_t data = reinterpret_cast<caddr_t>(buf);
  if (size == 0 || (com & IOC_VOID)) {
    // No buffer: d_ioctl's data points at the argument word itself (an
    // _IOWINT int, or the user's pointer value of an _IO command).
    uintptr_t v = static_cast<uintptr_t>(arg);
    if (com & IOC_VOID && size) {
      int iv = static_cast<int>(arg);
      std::memcpy(buf, &iv, sizeof iv);
    } else {
      std::memcpy(buf, &v, sizeof v);
    }
    size = 0;
  } else if (com & IOC_IN) {
    if (ks_copyin(arg, buf, size) != 0) return EFAULT;
  } else {
    std::memset(buf, 0, size);  // IOC_OUT: the user gets zeros, never stale bytes
  }
  if (c->destroyed) return ENXIO;
  d_ioctl_t* fn = c->cdev.si_devsw ? c->cdev.si_devsw->d_ioctl : nullptr;
  if (!fn) return ENOTTY;
  // The thread holds the device from here (the copy out is a scheduling
  // point: destroy_dev may start meanwhile, and must wait for us).
  enter(c);
  int rc = fn(&c->cdev, com, data, fflags(mode), ks_fb_curthread());
  if (rc == 0 && (com & IOC_OUT) && size && ks_copyout(buf, arg, size) != 0) rc = EFAULT;
  leave(c);
  return rc;
}

// poll(2) through devfs (devfs_poll_f): d_poll with the thread counted in
// the device, or no_poll's answer without one. A destroyed cdev answers as
// one without d_poll (FreeBSD sends the file to the vnode's poll, which
// the model does not tell apart). POSIX: POLLHUP and POLLOUT never
// together (pollscan clears POLLOUT).
int a_poll(void* cookie, uint64_t, short events, bool, short* revents, const Cred&) {
  ks_fb_cdev* c = C(cookie);
  d_poll_t* fn = !c->destroyed && c->cdev.si_devsw ? c->cdev.si_devsw->d_poll : nullptr;
  int r;
  if (!fn) {
    r = poll_no_poll(events);
  } else {
    enter(c);
    r = fn(&c->cdev, events, ks_fb_curthread());
    leave(c);
  }
  if (r & POLLHUP) r &= ~POLLOUT;
  *revents = static_cast<short>(r);
  return 0;
}

// kevent's EV_ADD through devfs (devfs_kqfilter_f): d_kqfilter with the
// thread counted in the device; a cdevsw without one answers as
// no_kqfilter (enodev: ENODEV, kern_conf.c), a destroyed cdev ENXIO (its
// file no longer reaches a device).
int a_kqfilter(void* cookie, uint64_t, void* kn) {
  ks_fb_cdev* c = C(cookie);
  if (c->destroyed) return ENXIO;
  d_kqfilter_t* fn = c->cdev.si_devsw ? c->cdev.si_devsw->d_kqfilter : nullptr;
  if (!fn) return ENODEV;
  enter(c);
  int r = fn(&c->cdev, static_cast<struct knote*>(kn));
  leave(c);
  return r;
}

// mmap(2) through devfs onto the device pager (vm_mmap_cdev,
// device_pager.c; checked): at mmap, old_dev_pager_ctor asks d_mmap for
// every page with the mapping's protection, and any error makes mmap(2)
// EINVAL (a cdevsw without d_mmap answers as no_mmap: an error, so
// EINVAL too); a destroyed cdev is ENXIO (dev_refthread fails). At a
// page's first fault old_dev_pager_fault asks again, always for
// PROT_READ (dev_pager_getpages), and uses that physical address; an error
// there, or a cdev destroyed meanwhile, is VM_PAGER_FAIL, the process's
// SIGBUS. The pager holds a dev_ref on the cdev, which keeps the struct,
// not the open: d_close runs at the last close(2) whether or not a
// mapping remains, and the memory must outlive the mapping all the same.
int a_mmap(void* cookie, uint64_t, uint64_t off, int prot, bool fault, void** kva) {
  ks_fb_cdev* c = C(cookie);
  if (c->destroyed) return ENXIO;
  d_mmap_t* fn = c->cdev.si_devsw ? c->cdev.si_devsw->d_mmap : nullptr;
  if (!fn) return fault ? ENODEV : EINVAL;
  vm_paddr_t pa = 0;
  vm_memattr_t attr = VM_MEMATTR_DEFAULT;
  int nprot = fault ? PROT_READ : ((prot & ks::km::kProtRead ? PROT_READ : 0) |
                                   (prot & ks::km::kProtWrite ? PROT_WRITE : 0));
  enter(c);
  int rc = fn(&c->cdev, static_cast<vm_ooffset_t>(off), &pa, nprot, &attr);
  leave(c);
  if (rc) return fault ? rc : EINVAL;
  if (!fault) return 0;
  void* v = ks::km::kmem_phystov(*c->w, pa);
  if (!v) {
    char b[160];
    std::snprintf(b, sizeof b,
                  "d_mmap of %s gave physical address 0x%llx for offset 0x%llx, which is no "
                  "kernel memory (kernsim models physical addresses of kmem only)",
                  c->cdev.si_name, static_cast<unsigned long long>(pa),
                  static_cast<unsigned long long>(off));
    c->w->fail(ks::sim::FailureKind::kHostError, b, "not_modelled:d_mmap_paddr");
  }
  *kva = v;
  return 0;
}

}  // namespace

// A cdev's name from the driver's format and its /dev path, as make_dev_sv
// and make_dev_alias_v judge it (kern_conf.c): too long or taken is that
// error under MAKEDEV_CHECKNAME, else a panic naming `who`. Returns the
// error, or 0 with name and path set.
int dev_name(World& w, int flags, const char* who, char (&name)[64], std::string* path,
             const char* fmt, va_list ap) {
  int n = std::vsnprintf(name, sizeof name, fmt, ap);
  int bad = n <= 0 || size_t(n) >= sizeof name ? ENAMETOOLONG : 0;
  *path = bad ? std::string() : std::string("/dev/") + name;
  if (!bad && ks::km::devsw_lookup(w, *path)) bad = EEXIST;
  if (bad && !(flags & MAKEDEV_CHECKNAME))
    ks_panic("%s: bad si_name (error=%d, si_name=%.*s)", who, bad, int(sizeof name - 1), name);
  return bad;
}

}  // namespace ks::km::freebsd

using namespace ks::km::freebsd;

extern "C" {

void make_dev_args_init_impl(struct make_dev_args* a, size_t sz) {
  std::memset(a, 0, sz);
  a->mda_size = sz;
}

int make_dev_s(struct make_dev_args* a, struct cdev** cdev, const char* fmt, ...) {
  World& w = *World::current();
  if (!a || a->mda_size != sizeof(struct make_dev_args) || !a->mda_devsw) return EINVAL;
  if (a->mda_devsw->d_version != D_VERSION)
    ks_panic("make_dev_s: cdevsw %s has d_version 0x%x, not D_VERSION",
             a->mda_devsw->d_name ? a->mda_devsw->d_name : "?", a->mda_devsw->d_version);
  char name[64];
  std::string path;
  va_list ap;
  va_start(ap, fmt);
  int bad = dev_name(w, a->mda_flags, "make_dev_sv", name, &path, fmt, ap);
  va_end(ap);
  if (bad) return bad;
  // Memory is the only other failure, and only under MAKEDEV_NOWAIT
  // (devfs_alloc and prep_cdevsw sleep otherwise): an injected fault there.
  if ((a->mda_flags & MAKEDEV_NOWAIT) && w.inject_fault()) return ENOMEM;
  FbState& s = state(w);
  // newdev (kern_conf.c): with D_NEEDMINOR a live cdev of this cdevsw and
  // unit is the one returned, named now if clone_create made it.
  ks_fb_cdev* found = nullptr;
  if (a->mda_devsw->d_flags & D_NEEDMINOR)
    for (ks_fb_cdev& o : s.cdevs)
      if (!o.destroyed && o.cdev.si_devsw == a->mda_devsw && o.cdev.si_drv0 == a->mda_unit) {
        found = &o;
        break;
      }
  if (found && (found->cdev.si_flags & SI_NAMED)) {
    // make_dev_sv takes MAKEDEV_REF's reference, then KASSERTs.
    if (a->mda_flags & MAKEDEV_REF) found->cdev.si_refcount++;
    ks_panic("make_dev() by driver %s on pre-existing device (min=%x, name=%s)",
             a->mda_devsw->d_name ? a->mda_devsw->d_name : "?", unsigned(a->mda_unit),
             found->cdev.si_name);
  }
  ks_fb_cdev& c = found ? *found : s.cdevs.emplace_back();
  c.w = &w;
  c.path = path;
  if (!found) {
    c.cdev.si_drv1 = a->mda_si_drv1;
    c.cdev.si_drv2 = a->mda_si_drv2;
  }
  c.cdev.si_devsw = a->mda_devsw;
  c.cdev.si_drv0 = a->mda_unit;
  std::memcpy(c.cdev.si_name, name, std::strlen(name) + 1);
  c.cdev.si_ks = &c;
  c.cdev.si_flags |= SI_NAMED;
  if (a->mda_flags & MAKEDEV_REF) c.cdev.si_refcount++;
  ks::km::DevOps ops{&c, a_open, a_close, a_read, a_write, a_ioctl};
  ops.drain_lock = "si_threadcount_mtx";
  ops.drain_cv = "si_threadcount";
  ops.remove_hint = "destroy_dev at MOD_UNLOAD";
  ops.removed_errno = ENOENT;
  // FreeBSD's rules (sys_generic.c dofileread/dofilewrite; devfs_close and
  // D_TRACKCLOSE in conf.h).
  ops.partial_on = ks::km::kPartialOnEintr | ks::km::kPartialOnEwouldblock;
  if (a->mda_devsw->d_flags & D_TRACKCLOSE) ops.close_rule = ks::km::CloseRule::kEvery;
  // devfs_open/devfs_close unlock the vnode around the driver's entry
  // point (devfs_vnops.c, checked): an open does not wait for d_close.
  ops.open_waits_last_close = false;
  ops.fionbio = ks::km::FionbioRule::kBeforeDriver;
  // poll(2): sys_generic.c's rules (kernel_model/poll.h): selwakeup takes
  // the thread off the selinfo, seltdclear drops the rest when poll
  // returns, pollrescan asks again only the descriptors that fired, and
  // d_poll has no error to give.
  ops.poll = a_poll;
  ops.poll_rules.unlink_on_wakeup = true;
  ops.poll_rules.cached = false;
  ops.poll_rules.rescan_unregistered = false;
  ops.poll_rules.repoll_first_register = false;
  ops.poll_rules.error_fails_call = false;
  ops.poll_rules.head_name = "struct selinfo";
  ops.poll_rules.clean_hint = "seldrain";
  ops.kqfilter = a_kqfilter;
  ops.mmap = a_mmap;
  ks::km::DevNode& node = ks::km::devsw_add_node(w, path, s.major, s.next_minor++, false, ops);
  node.owner = a->mda_devsw->d_name ? a->mda_devsw->d_name : "freebsd";
  // The devfs entry's owner, group and mode (make_dev_args_init's zeroes:
  // root, wheel, 0000, which only root opens).
  node.perm.checked = true;
  node.perm.uid = a->mda_uid;
  node.perm.gid = a->mda_gid;
  node.perm.mode = static_cast<uint16_t>(a->mda_mode & 0777);
  c.node = &node;
  *cdev = &c.cdev;
  return 0;
}

// make_dev_alias_v (kern_conf.c, read): the checks, the name, then a
// cdev with no cdevsw whose node links to the parent's.
static int make_alias(int flags, struct cdev** out, struct cdev* pdev, const char* fmt,
                      va_list ap) {
  World& w = *World::current();
  if (!pdev) ks_panic("make_dev_alias_v: pdev is NULL");
  if ((flags & MAKEDEV_WAITOK) && (flags & MAKEDEV_NOWAIT))
    ks_panic("make_dev_alias_v: both WAITOK and NOWAIT specified");
  if (flags & ~(MAKEDEV_WAITOK | MAKEDEV_NOWAIT | MAKEDEV_CHECKNAME))
    ks_panic("make_dev_alias_v: invalid flags specified (flags=%02x)", unsigned(flags));
  ks_fb_cdev* p = pdev->si_ks;
  if (!p || p->destroyed || !p->node)
    ks_panic("make_dev_alias of %s: not a live, named cdev", pdev->si_name);
  if ((flags & MAKEDEV_NOWAIT) && w.inject_fault()) return ENOMEM;  // devfs_alloc
  char name[64];
  std::string path;
  if (int bad = dev_name(w, flags, "make_dev_alias_v", name, &path, fmt, ap)) return bad;
  FbState& s = state(w);
  ks_fb_cdev& c = s.cdevs.emplace_back();
  c.w = &w;
  c.path = path;
  c.parent = p;
  std::memcpy(c.cdev.si_name, name, std::strlen(name) + 1);
  c.cdev.si_ks = &c;
  c.cdev.si_flags = SI_ALIAS | SI_NAMED | SI_CHILD;
  // The parent's ops, for anything that asks the node itself; open(2)
  // follows the link to the parent's node and never uses them.
  ks::km::DevOps ops = p->node->ops;
  ops.drain_lock = nullptr;
  ks::km::DevNode& node =
      ks::km::devsw_add_node(w, path, p->node->major, p->node->minor, false, ops);
  node.owner = p->node->owner;
  node.link = p->node;
  c.node = &node;
  *out = &c.cdev;
  return 0;
}

struct cdev* make_dev_alias(struct cdev* pdev, const char* fmt, ...) {
  struct cdev* dev = nullptr;
  va_list ap;
  va_start(ap, fmt);
  int r = make_alias(MAKEDEV_WAITOK, &dev, pdev, fmt, ap);
  va_end(ap);
  if (r != 0) ks_panic("make_dev_alias: failed make_dev_alias_v (error=%d)", r);
  return dev;
}

int make_dev_alias_p(int flags, struct cdev** cdev, struct cdev* pdev, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = make_alias(flags, cdev, pdev, fmt, ap);
  va_end(ap);
  return r;
}

void destroy_dev(struct cdev* dev) {
  if (!dev || !dev->si_ks || dev->si_ks->destroyed)
    ks_panic("destroy_dev of %s: not a live cdev", dev ? dev->si_name : "NULL");
  ks_fb_cdev* c = dev->si_ks;
  if (!c->node)
    ks_panic("WARNING: Driver mistake: destroy_dev on %d (clone_create's cdev, never named)",
             dev->si_drv0);
  c->destroyed = true;
  // destroy_devl kills the cdev's children (its aliases) before it waits
  // for the threads inside the cdev; here their names go first, then the
  // parent's (an open of either between the two is a race on FreeBSD too).
  // By index: a removal is a scheduling point, and another thread's
  // make_dev may grow the deque meanwhile.
  auto& cdevs = state(*c->w).cdevs;
  for (size_t i = 0; i < cdevs.size(); i++)
    if (cdevs[i].parent == c && !cdevs[i].destroyed) destroy_dev(&cdevs[i].cdev);
  if (c->parent) {
    // An alias: its name only (nothing runs inside it, it has no cdevsw).
    dev->si_flags &= ~(SI_NAMED | SI_CHILD | SI_ALIAS);
    c->parent = nullptr;
    ks::km::devsw_remove_node(*c->w, c->path);
    return;
  }
  // destroy_devl: off the clone list and the cdevsw's list, unnamed.
  dev->si_flags &= ~(SI_NAMED | SI_CLONELIST);
  c->clones = nullptr;
  // Waits for the threads still inside the device's methods, as FreeBSD's
  // destroy_dev does (a driver frees what they use only after this).
  ks::km::devsw_remove_node(*c->w, c->path);
}

struct cdevsw* dev_refthread(struct cdev* dev, int* ref) {
  ks_fb_cdev* c = dev ? dev->si_ks : nullptr;
  if (!c || c->destroyed || c->sched_dtr || !c->node || !dev->si_devsw) return nullptr;
  ks::km::devsw_enter_driver(*c->node);
  *ref = 1;
  return dev->si_devsw;
}

void dev_relthread(struct cdev* dev, int ref) {
  if (ref == 0) return;
  ks_fb_cdev* c = dev->si_ks;
  if (!c || !c->node || c->node->inside == 0)
    ks_panic("dev_relthread(%s): no thread reference to release (si_threadcount 0)",
             dev->si_name);
  ks::km::devsw_leave_driver(*c->w, *c->node);
}

int dev2unit(struct cdev* dev) { return dev->si_drv0; }
const char* devtoname(struct cdev* dev) { return dev->si_name; }

}  // extern "C"
