// System calls of a simulated user thread. Each starts with a scheduling
// point and a syscall event and ends with a syscall_exit event carrying the
// result; results are >= 0 or -errno. They run on the calling thread's
// fiber, in its process (KThread::proc).
#pragma once

#include <cstdint>
#include <string>

namespace ks::km {

class World;

// System call numbers, as the syscall events carry them (a0). Stable: they
// go into trace hashes; append, never reorder.
enum SysNr : uint16_t {
  kSysOpen = 1, kSysClose, kSysIoctl, kSysRead, kSysWrite, kSysPread, kSysPwrite,
  kSysMmap, kSysMunmap, kSysMprotect, kSysKill, kSysPutmsg, kSysGetmsg,
  kSysModunload,  // module_unload.h
  kSysPoll,
  kSysKqueue, kSysKevent,  // kqueue.h
  kSysMmapDev,  // devmap.h
  kSysSysctl,   // sysctlbyname(3)
};
const char* sys_name(int nr);

int64_t sys_open(World& w, const std::string& path, int oflags);
// What a personality does when open(2) names no node (FreeBSD: its
// dev_clone event handlers, which may make one), on the opening thread:
// the node the open proceeds on, or null (ENOENT). Registered once when
// the host starts; asked only on a miss.
struct DevNode;
struct Proc;
using OpenMissHook = DevNode* (*)(World& w, const std::string& path, Proc& p);
void register_open_miss_hook(OpenMissHook hook);
int64_t sys_close(World& w, int64_t fd);
int64_t sys_ioctl(World& w, int64_t fd, int64_t cmd, uint64_t arg);
int64_t sys_read(World& w, int64_t fd, uint64_t uaddr, uint64_t len);
int64_t sys_write(World& w, int64_t fd, uint64_t uaddr, uint64_t len);
int64_t sys_pread(World& w, int64_t fd, uint64_t uaddr, uint64_t len, int64_t off);
int64_t sys_pwrite(World& w, int64_t fd, uint64_t uaddr, uint64_t len, int64_t off);
int64_t sys_mmap(World& w, uint64_t hint, uint64_t len, int prot);
// mmap(2) of a device file: fd, len, prot, flags (MAP_SHARED; MAP_PRIVATE
// is EINVAL), the device offset (page-aligned) -> the user address
// (devmap.h).
int64_t sys_mmap_dev(World& w, int64_t fd, uint64_t len, int prot, int flags, int64_t off);
int64_t sys_munmap(World& w, uint64_t addr, uint64_t len);
int64_t sys_mprotect(World& w, uint64_t addr, uint64_t len, int prot);
// STREAMS: putmsg(fd, ctlptr, dataptr, flags), getmsg(fd, ctlptr, dataptr,
// flagsp) (strbuf addresses; 0 for none); ENOSTR on a device that is not a stream.
int64_t sys_putmsg(World& w, int64_t fd, uint64_t ctl, uint64_t data, int64_t flags);
int64_t sys_getmsg(World& w, int64_t fd, uint64_t ctl, uint64_t data, uint64_t flagsp);
// poll(fds, nfds, timeout): fds the user address of nfds struct pollfd,
// timeout in ms on the simulated clock (-1 forever, 0 never sleeps); the
// count of descriptors with revents (poll.h says what the kernel does).
int64_t sys_poll(World& w, uint64_t fds, uint64_t nfds, int64_t timeout_ms);
// kqueue() -> a kqueue descriptor; kevent(kq, changelist, nchanges,
// eventlist, nevents, timeout): struct kevent arrays at user addresses
// (the process's data model's layout), timeout in ms on the simulated
// clock (-1 forever, as a NULL timespec; 0 never sleeps). FreeBSD's:
// kqueue.h and kernel_model/freebsd/kern_event.cc say what they do.
int64_t sys_kqueue(World& w);
int64_t sys_kevent(World& w, int64_t kq, uint64_t changelist, int64_t nchanges,
                   uint64_t eventlist, int64_t nevents, int64_t timeout_ms);
// sysctlbyname(name, old, oldlenp, new, newlen) (FreeBSD's
// __sysctlbyname): old and new are user addresses (0 for none), oldlenp
// the user address of a size_t (the process's data model's) or 0. The
// MIB and the handlers are the personality's (kernel_model/freebsd/
// sysctl.cc), reached through the hook it registers; without one, ENOSYS.
int64_t sys_sysctl(World& w, const std::string& name, uint64_t old, uint64_t oldlenp,
                   uint64_t newp, uint64_t newlen);
using SysctlHook = int64_t (*)(World& w, Proc& p, const std::string& name, uint64_t old,
                               uint64_t oldlenp, uint64_t newp, uint64_t newlen);
void register_sysctl_hook(SysctlHook hook);
// modunload(1M)/kldunload(8) of the module registered as `name`
// (module_unload.h).
int64_t sys_modunload(World& w, const std::string& name);
// Signal `sig` to the thread named `thread`. SIGKILL kills its process:
// every thread of it gets the signal (its interruptible sleeps end) and
// makes no call after the one it is in (proc_thread_killed).
int64_t sys_kill(World& w, const std::string& thread, int sig);
// The calling thread's process was killed: the thread ends its calls here,
// and the last thread of the process to do so runs the process's exit
// (its files are closed now, not at the end of the run). A thread of a
// killed process calls it instead of its next call.
void proc_thread_killed(World& w);

// Names for reports ("ioctl", "open" ...) and errno names ("EBUSY").
const char* errno_name(int e);

}  // namespace ks::km
