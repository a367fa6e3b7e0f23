// System calls of simulated user threads: file descriptors onto the device
// switch, user I/O, the address space, signals. Each is a scheduling point
// with a syscall event at entry and a syscall_exit event carrying the result.
#include "kernel_model/syscalls.h"

#include <cerrno>
#include <csignal>
#include <vector>

#include "kernel_model/devmap.h"
#include "kernel_model/devsw.h"
#include "kernel_model/free_list.h"
#include "kernel_model/kqueue.h"
#include "kernel_model/module_unload.h"
#include "kernel_model/poll.h"
#include "kernel_model/proc.h"
#include "kernel_model/user_mem.h"
#include "kernel_model/world.h"

namespace ks::km {

const char* sys_name(int nr) {
  switch (nr) {
    case kSysOpen: return "open";
    case kSysClose: return "close";
    case kSysIoctl: return "ioctl";
    case kSysRead: return "read";
    case kSysWrite: return "write";
    case kSysPread: return "pread";
    case kSysPwrite: return "pwrite";
    case kSysMmap: return "mmap";
    case kSysMunmap: return "munmap";
    case kSysMprotect: return "mprotect";
    case kSysKill: return "kill";
    case kSysPutmsg: return "putmsg";
    case kSysGetmsg: return "getmsg";
    case kSysModunload: return "modunload";
    case kSysPoll: return "poll";
    case kSysKqueue: return "kqueue";
    case kSysKevent: return "kevent";
    case kSysMmapDev: return "mmap_dev";  // mmap(2) of a device file
    case kSysSysctl: return "sysctl";
    default: return "syscall";
  }
}

const char* errno_name(int e) {
  switch (e) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";
    case EIO: return "EIO";
    case ENXIO: return "ENXIO";
    case E2BIG: return "E2BIG";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case ENODEV: return "ENODEV";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case ENFILE: return "ENFILE";
    case EMFILE: return "EMFILE";
    case ENOTTY: return "ENOTTY";
    case EFBIG: return "EFBIG";
    case ENOSPC: return "ENOSPC";
    case ESPIPE: return "ESPIPE";
    case EROFS: return "EROFS";
    case EPIPE: return "EPIPE";
    case ERANGE: return "ERANGE";
    case ENOSTR: return "ENOSTR";
    case EBADMSG: return "EBADMSG";
    case ETIME: return "ETIME";
    case EDEADLK: return "EDEADLK";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOSYS: return "ENOSYS";
    case ENOTSUP: return "ENOTSUP";
    case EOVERFLOW: return "EOVERFLOW";
    case ETIMEDOUT: return "ETIMEDOUT";
    case ECANCELED: return "ECANCELED";
    default: return "E?";
  }
}

namespace {

// Entry: wait for boot, then the scheduling point and the syscall event; the
// thread records which call it is in, for fault reports.
Proc& enter(World& w, SysNr nr, uint64_t a1) {
  wait_for_boot(w);
  // The time model: user code before a system call may have taken any
  // time, so the thread is bound by the scheduling latency again only once
  // it sleeps and is woken (sim::SimOptions::sched_latency_ns).
  w.sim().unpin();
  Proc& p = curproc(w);
  w.sim().point(kEvSyscall, p.obj, nr, a1);
  KThread& k = w.self();
  k.syscall = sys_name(nr);
  k.syscall_arg = a1;
  return p;
}

int64_t leave(World& w, Proc& p, SysNr nr, int64_t r) {
  w.sim().emit(kEvSyscallExit, p.obj, nr, 0, r);
  KThread& k = w.self();
  k.syscall = nullptr;
  k.syscall_arg = 0;
  return r;
}

int open_flags(int oflags, int* out) {
  int f = 0;
  switch (oflags & 3) {
    case kORdonly: f = kFRead; break;
    case kOWronly: f = kFWrite; break;
    case kORdwr: f = kFRead | kFWrite; break;
    default: return EINVAL;
  }
  if (oflags & kOExcl) f |= kFExcl;
  if (oflags & kONdelay) f |= kFNdelay;
  *out = f;
  return 0;
}

int model_flag(const Proc& p) { return p.model == DataModel::kILP32 ? kFIlp32 : kFLp64; }

int64_t do_rw(World& w, Proc& p, int64_t fd, uint64_t uaddr, uint64_t len, int64_t off,
              bool write, bool positional) {
  FileHold h(w, p, fd);
  OpenFile* f = h.f.get();
  if (!f) return -EBADF;
  DevNode& n = *f->node;
  if (!(f->flags & (write ? kFWrite : kFRead)) && !n.ops.driver_checks_rw_mode) return -EBADF;
  // A negative pread/pwrite offset is EINVAL only for files that are not
  // character devices (FreeBSD kern_preadv/kern_pwritev; illumos rw.c
  // checks offsets of regular files only): a device node's driver decides.
  UserIo io{uaddr, len, positional ? off : f->offset, write, f->flags, positional};
  auto fn = write ? n.ops.write : n.ops.read;
  if (!fn) return -ENXIO;
  int rc;
  {
    CurFileScope in(w, f);
    rc = fn(n.ops.cookie, f->dev, io, p.cred);
  }
  uint64_t moved = len - io.resid;
  if (!positional) f->offset += static_cast<int64_t>(moved);
  // An error is the result, whatever moved, except the interruptions after
  // which the kernel returns the partial count (DevOps::partial_on).
  if (rc != 0) {
    bool partial = moved != 0 && ((rc == EINTR && (n.ops.partial_on & kPartialOnEintr)) ||
                                  (rc == EWOULDBLOCK && (n.ops.partial_on & kPartialOnEwouldblock)));
    if (!partial) return -rc;
  }
  return static_cast<int64_t>(moved);
}

}  // namespace

namespace {
std::vector<OpenMissHook>& miss_hooks() {
  static std::vector<OpenMissHook> v;
  return v;
}
}  // namespace

void register_open_miss_hook(OpenMissHook hook) { miss_hooks().push_back(hook); }

int64_t sys_open(World& w, const std::string& path, int oflags) {
  Proc& p = enter(w, kSysOpen, static_cast<uint64_t>(oflags));
  int flags = 0;
  if (int e = open_flags(oflags, &flags)) return leave(w, p, kSysOpen, -e);
  DevNode* n = devsw_find(w, path);
  for (size_t i = 0; !n && i < miss_hooks().size(); i++) n = miss_hooks()[i](w, path, p);
  if (!n) return leave(w, p, kSysOpen, -ENOENT);
  if (n->link && !n->removed) n = n->link;  // a dangling link: the target's answer
  // A node whose driver removed it (detached, destroy_dev).
  if (n->removed) return leave(w, p, kSysOpen, -n->ops.removed_errno);
  // devfs's access check, before the driver's open sees anything.
  if (n->perm.checked)
    if (int e = node_access(n->perm, flags, p.cred)) return leave(w, p, kSysOpen, -e);
  uint64_t dev = makedev64(n->major, n->minor);
  // Open files come and go in every execution: from a free list. Made
  // before the driver's open, which may keep private data on it.
  auto f = std::allocate_shared<OpenFile>(FreeListAlloc<OpenFile>());
  f->node = n;
  f->flags = flags;
  int rc;
  {
    CurFileScope in(w, f.get());
    rc = devsw_open(w, *n, &dev, flags, p.cred);
  }
  if (rc != 0) {
    devsw_priv_destroy(*f);  // FreeBSD devfs_open clears it on error
    return leave(w, p, kSysOpen, -rc);
  }
  devsw_register_exit_close(w);  // a no-op when load_driver registered it
  f->dev = dev;  // a clone open may have picked another minor
  // The lowest free descriptor, taken after the driver's open (which may
  // have slept while other threads opened and closed).
  size_t fd = 0;
  while (fd < p.fds.size() && p.fds[fd]) fd++;
  if (fd == p.fds.size()) p.fds.emplace_back();
  p.fds[fd] = std::move(f);
  return leave(w, p, kSysOpen, static_cast<int64_t>(fd));
}

int64_t sys_close(World& w, int64_t fd) {
  Proc& p = enter(w, kSysClose, static_cast<uint64_t>(fd));
  auto f = getf(p, fd);
  if (!f) return leave(w, p, kSysClose, -EBADF);
  // The descriptor is gone before the driver's close runs, as on illumos:
  // another thread's use of it now sees EBADF.
  p.fds[static_cast<size_t>(fd)].reset();
  // FreeBSD's knote_fdclose: the descriptor's knotes are detached before
  // the file is closed (and before it counts as closed: their holds go).
  kqueue_fd_closing(w, p, static_cast<int>(fd));
  f->closed = true;
  poll_file_closed(w, f.get());  // illumos pollcacheclean: at close(2), before the driver's
  // In use by another thread's call: its release makes the device close,
  // and this close(2) succeeds now (the driver's close result is that
  // thread's to see, as closef's is on illumos).
  if (f->holds > 0 && f->node->ops.close_waits_calls) return leave(w, p, kSysClose, 0);
  int rc = devsw_close_file(w, *f, p.cred);
  return leave(w, p, kSysClose, rc ? -rc : 0);
}

namespace {
// FIONBIO on or off: the flag by the kernel's own name for it (FNDELAY,
// FNONBLOCK), and off clears both, as either means "do not block".
void set_nonblock(OpenFile& f, int flag, int on) {
  if (on)
    f.flags |= flag;
  else
    f.flags &= ~(kFNdelay | kFNonblock);
}

// The driver's ioctl on an open file, with what the kernel itself does for
// FIONBIO around it. The syscall's result: the driver's rval, or -errno.
int64_t ioctl_file(World& w, Proc& p, OpenFile& f, int64_t cmd, uint64_t arg) {
  DevNode& n = *f.node;
  // The command as 32 bits: an illumos int may come sign-extended.
  FionbioRule rule =
      static_cast<uint32_t>(cmd) == kFionbio ? n.ops.fionbio : FionbioRule::kDriverOnly;
  int nbio = 0;  // FIONBIO's argument, read where that kernel reads it
  if (rule == FionbioRule::kBeforeDriver) {
    if (copyin(w, p, arg, &nbio, sizeof nbio)) return -EFAULT;
    set_nonblock(f, kFNonblock, nbio);
  }
  int rval = 0;
  int rc;
  {
    CurFileScope in(w, &f);
    rc = n.ops.ioctl(n.ops.cookie, f.dev, cmd, arg, f.flags | model_flag(p), p.cred, &rval);
  }
  if (rc) return -rc;
  if (rule == FionbioRule::kAfterDriver) {
    if (copyin(w, p, arg, &nbio, sizeof nbio)) return -EFAULT;
    set_nonblock(f, kFNdelay, nbio);
  }
  return rval;
}
}  // namespace

int64_t sys_ioctl(World& w, int64_t fd, int64_t cmd, uint64_t arg) {
  Proc& p = enter(w, kSysIoctl, static_cast<uint64_t>(fd));
  w.self().syscall_arg = static_cast<uint64_t>(cmd);  // reports name the ioctl
  w.sim().note(static_cast<uint64_t>(cmd));          // and so does `kernsim show`
  int64_t r;
  {
    FileHold h(w, p, fd);
    OpenFile* f = h.f.get();
    if (!f) return leave(w, p, kSysIoctl, -EBADF);
    DevNode& n = *f->node;
    if (!n.ops.ioctl) return leave(w, p, kSysIoctl, -ENOTTY);
    r = ioctl_file(w, p, *f, cmd, arg);
  }  // released before the exit event: a deferred close is part of this call
  return leave(w, p, kSysIoctl, r);
}

int64_t sys_putmsg(World& w, int64_t fd, uint64_t ctl, uint64_t data, int64_t flags) {
  Proc& p = enter(w, kSysPutmsg, static_cast<uint64_t>(fd));
  int64_t r;
  {
    FileHold h(w, p, fd);
    OpenFile* f = h.f.get();
    if (!f) return leave(w, p, kSysPutmsg, -EBADF);
    DevNode& n = *f->node;
    if (!n.ops.putmsg) return leave(w, p, kSysPutmsg, -ENOSTR);
    r = -n.ops.putmsg(n.ops.cookie, f->dev, ctl, data, static_cast<int>(flags),
                      f->flags | model_flag(p), p.cred);
  }
  return leave(w, p, kSysPutmsg, r);
}

int64_t sys_getmsg(World& w, int64_t fd, uint64_t ctl, uint64_t data, uint64_t flagsp) {
  Proc& p = enter(w, kSysGetmsg, static_cast<uint64_t>(fd));
  int64_t r;
  {
    FileHold h(w, p, fd);
    OpenFile* f = h.f.get();
    if (!f) return leave(w, p, kSysGetmsg, -EBADF);
    DevNode& n = *f->node;
    if (!n.ops.getmsg) return leave(w, p, kSysGetmsg, -ENOSTR);
    int rval = 0;
    int rc = n.ops.getmsg(n.ops.cookie, f->dev, ctl, data, flagsp, f->flags | model_flag(p),
                          p.cred, &rval);
    r = rc ? -rc : rval;
  }
  return leave(w, p, kSysGetmsg, r);
}

int64_t sys_modunload(World& w, const std::string& name) {
  Proc& p = enter(w, kSysModunload, 0);
  return leave(w, p, kSysModunload, -module_unload(w, name));
}

int64_t sys_poll(World& w, uint64_t fds, uint64_t nfds, int64_t timeout_ms) {
  Proc& p = enter(w, kSysPoll, nfds);
  return leave(w, p, kSysPoll, poll_files(w, fds, nfds, timeout_ms));
}

int64_t sys_kqueue(World& w) {
  Proc& p = enter(w, kSysKqueue, 0);
  const KqueueImpl* k = kqueue_impl();
  return leave(w, p, kSysKqueue, k ? k->kqueue(w, p) : -ENOSYS);
}

int64_t sys_kevent(World& w, int64_t kq, uint64_t changelist, int64_t nchanges,
                   uint64_t eventlist, int64_t nevents, int64_t timeout_ms) {
  Proc& p = enter(w, kSysKevent, static_cast<uint64_t>(kq));
  const KqueueImpl* k = kqueue_impl();
  return leave(w, p, kSysKevent,
               k ? k->kevent(w, p, kq, changelist, nchanges, eventlist, nevents, timeout_ms)
                 : -ENOSYS);
}

namespace {
SysctlHook g_sysctl = nullptr;
}
void register_sysctl_hook(SysctlHook hook) { g_sysctl = hook; }

int64_t sys_sysctl(World& w, const std::string& name, uint64_t old, uint64_t oldlenp,
                   uint64_t newp, uint64_t newlen) {
  Proc& p = enter(w, kSysSysctl, 0);
  return leave(w, p, kSysSysctl,
               g_sysctl ? g_sysctl(w, p, name, old, oldlenp, newp, newlen) : -ENOSYS);
}

int64_t sys_read(World& w, int64_t fd, uint64_t uaddr, uint64_t len) {
  Proc& p = enter(w, kSysRead, static_cast<uint64_t>(fd));
  return leave(w, p, kSysRead, do_rw(w, p, fd, uaddr, len, 0, false, false));
}

int64_t sys_write(World& w, int64_t fd, uint64_t uaddr, uint64_t len) {
  Proc& p = enter(w, kSysWrite, static_cast<uint64_t>(fd));
  return leave(w, p, kSysWrite, do_rw(w, p, fd, uaddr, len, 0, true, false));
}

int64_t sys_pread(World& w, int64_t fd, uint64_t uaddr, uint64_t len, int64_t off) {
  Proc& p = enter(w, kSysPread, static_cast<uint64_t>(fd));
  return leave(w, p, kSysPread, do_rw(w, p, fd, uaddr, len, off, false, true));
}

int64_t sys_pwrite(World& w, int64_t fd, uint64_t uaddr, uint64_t len, int64_t off) {
  Proc& p = enter(w, kSysPwrite, static_cast<uint64_t>(fd));
  return leave(w, p, kSysPwrite, do_rw(w, p, fd, uaddr, len, off, true, true));
}

int64_t sys_mmap(World& w, uint64_t hint, uint64_t len, int prot) {
  Proc& p = enter(w, kSysMmap, len);
  int err = 0;
  uint64_t a = as_map(w, p, hint, len, prot, &err);
  return leave(w, p, kSysMmap, a ? static_cast<int64_t>(a) : -(err ? err : ENOMEM));
}

int64_t sys_mmap_dev(World& w, int64_t fd, uint64_t len, int prot, int flags, int64_t off) {
  Proc& p = enter(w, kSysMmapDev, static_cast<uint64_t>(fd));
  return leave(w, p, kSysMmapDev, devmap_mmap(w, p, fd, len, prot, flags, off));
}

int64_t sys_munmap(World& w, uint64_t addr, uint64_t len) {
  Proc& p = enter(w, kSysMunmap, addr);
  int rc = as_unmap(w, p, addr, len);
  return leave(w, p, kSysMunmap, rc ? -rc : 0);
}

int64_t sys_mprotect(World& w, uint64_t addr, uint64_t len, int prot) {
  Proc& p = enter(w, kSysMprotect, addr);
  int rc = as_protect(w, p, addr, len, prot);
  return leave(w, p, kSysMprotect, rc ? -rc : 0);
}

int64_t sys_kill(World& w, const std::string& thread, int sig) {
  Proc& p = enter(w, kSysKill, static_cast<uint64_t>(sig));
  if (sig < 1 || sig > 63) return leave(w, p, kSysKill, -EINVAL);
  sim::Sim& s = w.sim();
  for (size_t i = 1; i <= s.nthreads(); i++) {
    Tid t = static_cast<Tid>(i);
    if (thread != s.thread_name(t)) continue;
    if (s.thread(t)->state == sim::ThreadState::kDone) continue;
    Proc* victim = w.kt(t).proc;
    if (sig != SIGKILL || !victim) {
      post_signal(w, t, sig);
      return leave(w, p, kSysKill, 0);
    }
    // The whole process dies, its threads in tid order (the caller's own
    // among them when it kills its own process: its kill returns first).
    victim->killed = true;
    for (size_t j = 1; j <= s.nthreads(); j++) {
      Tid u = static_cast<Tid>(j);
      if (w.kt(u).proc == victim && s.thread(u)->state != sim::ThreadState::kDone)
        post_signal(w, u, sig);
    }
    return leave(w, p, kSysKill, 0);
  }
  return leave(w, p, kSysKill, -ESRCH);
}

void proc_thread_killed(World& w) {
  Proc* p = w.self().proc;
  if (!p || p->exited) return;
  sim::Sim& s = w.sim();
  const Tid me = w.self_tid();
  for (size_t j = 1; j <= s.nthreads(); j++) {
    Tid u = static_cast<Tid>(j);
    if (u != me && w.kt(u).proc == p && s.thread(u)->state != sim::ThreadState::kDone) return;
  }
  p->dies = true;
  devsw_proc_exit(w, *p);
}

}  // namespace ks::km
