// The device switch: named device nodes with major/minor numbers whose
// entry points (open, close, read, write, ioctl) a personality provides,
// and open files that refer to them. Personality-neutral: a personality
// adapts its device switch entry (cb_ops, cdevsw) onto DevOps and sets the
// rules where the real systems differ.
#pragma once

#include <cerrno>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kernel_model/node_perm.h"
#include "kernel_model/node_spares.h"
#include "kernel_model/poll.h"
#include "sim/event.h"

namespace ks::km {

class World;
struct Proc;
struct Cred;

// Open flags, as the kernel sees them (illumos/FreeBSD FREAD/FWRITE/FEXCL...).
constexpr int kFRead = 0x1, kFWrite = 0x2, kFNdelay = 0x4, kFNonblock = 0x80,
              kFExcl = 0x400, kFCreat = 0x100, kFTrunc = 0x200;
// The data model of the caller, in the mode bits of an ioctl (illumos FMODELS):
// a driver asks ddi_model_convert_from(mode & FMODELS) how to read its argument.
constexpr int kFIlp32 = 0x00100000, kFLp64 = 0x00200000, kFModels = 0x0ff00000;
// User open(2) flags accepted by sys_open (Linux values, as the scenario says them).
constexpr int kORdonly = 0, kOWronly = 1, kORdwr = 2, kOExcl = 0200, kONdelay = 04000;

// A user I/O request for read/write: one user buffer.
struct UserIo {
  uint64_t uaddr;
  uint64_t resid;
  int64_t offset;
  bool write;  // user write(2): data flows user -> driver
  int fmode = 0;  // the open file's kF* flags (illumos uio_fmode)
  // pread/pwrite: `offset` is the caller's one-shot offset, not the open
  // file's (a personality whose server keeps the offset tells them apart).
  bool positional = false;
};

// The real kernels' rules that differ, as parameters a personality sets
// on the DevOps of its nodes (the neutral model names no personality).
//
// Which errors from a read/write entry point still return the partial
// count moved before them (illumos rw.c: EINTR only; FreeBSD
// sys_generic.c dofileread/dofilewrite: EINTR, ERESTART, EWOULDBLOCK).
// Any other error is the result, whatever moved.
constexpr uint32_t kPartialOnEintr = 1, kPartialOnEwouldblock = 2;
// When the driver's close entry point runs: on the last close of each
// open type of a dev (illumos spec_close: character and block opens are
// counted apart; FreeBSD devfs_close without D_TRACKCLOSE: there is only
// the character type), or on every close (FreeBSD D_TRACKCLOSE).
enum class CloseRule : uint8_t { kLastPerType, kEvery };

// What the kernel does with FIONBIO (_IOW('f', 126, int), one number on
// illumos and FreeBSD), besides passing it to the driver: sets or clears
// the file's non-blocking flag after the driver returned 0 (illumos
// ioctl.c, its FNDELAY), or before calling the driver, kept whatever it
// returns (FreeBSD kern_ioctl, its FNONBLOCK); or nothing (the driver's
// own affair: a QNX server's devctl).
enum class FionbioRule : uint8_t { kAfterDriver, kBeforeDriver, kDriverOnly };
constexpr uint32_t kFionbio = 0x8004667e;

struct DevOps {
  void* cookie;  // the personality's driver record
  int (*open)(void* cookie, uint64_t* dev, int flags, bool block, const Cred& cr);
  int (*close)(void* cookie, uint64_t dev, int flags, bool block, const Cred& cr);
  int (*read)(void* cookie, uint64_t dev, UserIo& io, const Cred& cr);
  int (*write)(void* cookie, uint64_t dev, UserIo& io, const Cred& cr);
  int (*ioctl)(void* cookie, uint64_t dev, int64_t cmd, uint64_t arg, int mode,
               const Cred& cr, int* rval);
  uint32_t partial_on = kPartialOnEintr;
  CloseRule close_rule = CloseRule::kLastPerType;
  // Whether an open waits for a last close of its dev in progress: illumos
  // spec_open does (the snode's lock, SLOCKED around the driver's close);
  // FreeBSD's devfs_open and devfs_close drop the vnode lock around
  // d_open / d_close and nothing else orders them, so an open may enter
  // d_open while d_close runs (a race a driver must handle).
  bool open_waits_last_close = true;
  // Whether a close(2) made while other threads' calls are inside the
  // driver through the same open waits for them (illumos releasef, a
  // FreeBSD file's last reference: the driver's close comes with the last
  // release), or reaches the driver at once (QNX: close() is an _IO_CLOSE
  // message of its own, sent while another thread of the process is
  // REPLY-blocked on the same connection).
  bool close_waits_calls = true;
  FionbioRule fionbio = FionbioRule::kAfterDriver;
  // Who refuses a read or write on an open without FREAD/FWRITE: the kernel,
  // with EBADF before any driver code (illumos read/write, FreeBSD
  // fget_read/fget_write), or the driver itself (a microkernel's server:
  // QNX's read()/write() are messages whose handler checks the open mode,
  // iofunc_read_verify/iofunc_write_verify, or forgets to).
  bool driver_checks_rw_mode = false;
  // Removing the node waits until no thread is inside the driver's entry
  // points through it (FreeBSD's destroy_dev drains si_threadcount; an
  // illumos minor node goes at once, its open files kept by their holds):
  // the names of the lock and condition of that wait, null for no wait.
  const char* drain_lock = nullptr;
  const char* drain_cv = nullptr;
  // What the driver's unload should call to remove the node, for the
  // report of a node left behind ("destroy_dev at MOD_UNLOAD").
  const char* remove_hint = nullptr;
  // What open(2) of the path returns once the driver removed the node:
  // illumos keeps the /dev name and finds no driver behind it (ENXIO);
  // FreeBSD's devfs drops the name with the cdev (ENOENT).
  int removed_errno = ENXIO;
  // STREAMS putmsg(2)/getmsg(2), with the caller's user addresses of its
  // strbufs (and getmsg's flags word) and its file mode | data model;
  // null for a device that is not a stream (ENOSTR). getmsg's *rval: the
  // MORECTL/MOREDATA bits.
  int (*putmsg)(void* cookie, uint64_t dev, uint64_t ctl, uint64_t data, int flags, int fmode,
                const Cred& cr) = nullptr;
  int (*getmsg)(void* cookie, uint64_t dev, uint64_t ctl, uint64_t data, uint64_t flagsp,
                int fmode, const Cred& cr, int* rval) = nullptr;
  // poll(2) (poll.h): the driver's answer for `events` in *revents, and 0
  // or an error (which fails the call where poll_rules say so); anyyet:
  // an earlier descriptor of the call is ready. The driver registers the
  // poller on its head through the personality (poll_record). Null: a
  // kind of device whose poll kernsim does not model (a stream, a QNX
  // server): poll(2) of it ends the run as not_modelled:poll.
  int (*poll)(void* cookie, uint64_t dev, short events, bool anyyet, short* revents,
              const Cred& cr) = nullptr;
  PollRules poll_rules{};
  // kqueue(2)'s EV_ADD on a descriptor of this node (kqueue.h): the
  // driver's kqfilter for the knote `kn` (a FreeBSD struct knote), 0 or an
  // errno. Null: a device whose kernel has no kqueue (not FreeBSD's).
  int (*kqfilter)(void* cookie, uint64_t dev, void* kn) = nullptr;
  // mmap(2) of the device (devmap.h): the kernel memory backing the page
  // at device offset `off`, in *kva. Asked for every page at mmap time
  // (fault false: an error is what mmap(2) returns) and at the page's first
  // touch (fault true: an error is the process's SIGBUS). Null: mmap(2)
  // gives ENODEV.
  int (*mmap)(void* cookie, uint64_t dev, uint64_t off, int prot, bool fault, void** kva) =
      nullptr;
  // A device that maps a whole range at once (illumos devmap(9E): the
  // driver sets the mapping up for [off, off + len) at mmap time): instead
  // of mmap, map_range answers once at mmap (an error is mmap(2)'s) with
  // the personality's handle in *h; map_page gives the kernel memory of the
  // page at device offset off at its first touch; map_gone is told when
  // the mapping's last page goes (munmap, exit), before the device's close.
  int (*map_range)(void* cookie, uint64_t dev, uint64_t off, uint64_t len, int prot, int flags,
                   const Cred& cr, void** h) = nullptr;
  int (*map_page)(void* h, uint64_t off, void** kva) = nullptr;
  void (*map_gone)(void* h) = nullptr;
  // A mapping holds the device open (illumos specfs: spec_addmap counts
  // mapped pages in s_mapcnt, and spec_close and spec_delmap call the
  // driver's close only when no open and no mapped page remain): the
  // driver's close waits for the last unmap, and its unload is refused
  // meanwhile. FreeBSD: false (d_close runs at the last close).
  bool close_after_unmap = false;
};

struct DevNode {
  std::string path;  // "/dev/sample", "/dev/rlofi/1"
  uint32_t major, minor;
  bool block;        // block special (else character)
  DevOps ops;
  sim::ObjId obj;
  bool removed = false;
  std::string owner;  // the driver that created it, for reports
  NodePerm perm;      // who may open it (set by the personality that made it)
  // Threads inside the driver's entry points through this node, counted
  // where the personality's kernel counts them (devsw_enter_driver), and
  // the drain's objects (DevOps::drain_lock); a removal waits for zero.
  uint32_t inside = 0;
  bool draining = false;
  // Its driver is detaching (illumos): an open waits on opens_held_q.
  bool opens_held = false;
  sim::ObjId opens_held_q = 0;
  sim::ObjId drain_lock = 0, drain_cv = 0;
  struct OpenFile* privs = nullptr;  // its opens with private data set
  // A symbolic link to another node (FreeBSD's make_dev_alias is one in
  // devfs): open(2) of its path opens that node, so opens, closes and the
  // drain are the target's; removing the link removes only the name.
  DevNode* link = nullptr;
};

struct OpenFile {
  DevNode* node;
  uint64_t dev;  // after a clone open, the minor the driver picked
  int flags;     // kF*
  int64_t offset = 0;
  bool closed = false;  // its descriptor was closed (new calls see EBADF)
  // System calls still inside the driver through this file (illumos: the
  // getf/releasef hold). A close(2) while it is non-zero leaves the
  // driver's close to the last release, so a driver never sees a close
  // while one of its entry points still runs on that open.
  uint32_t holds = 0;
  bool released = false;  // the device close for this open was made
  // The open's private data and its destructor (FreeBSD cdevpriv), set by
  // a device entry point running for this open (KThreadState::cur_file).
  // Destroyed after the open's device close, when the open itself fails,
  // or when the node is removed (destroy_dev), whichever is first; while
  // set, the file is on its node's `privs` list.
  bool priv_set = false;
  void* priv_data = nullptr;
  void (*priv_dtor)(void*) = nullptr;
  OpenFile* priv_next = nullptr;
  // A file that is no device's open (a FreeBSD kqueue): its own close in
  // place of the device switch's, and its state. `node` is then a node of
  // no driver, whose entry points are all null.
  int (*fo_close)(World& w, OpenFile& f) = nullptr;
  void* fo_data = nullptr;
};

// The calling thread runs a device entry point for f (nested scopes keep
// the outer open).
class CurFileScope {
 public:
  CurFileScope(World& w, OpenFile* f);
  ~CurFileScope();
  CurFileScope(const CurFileScope&) = delete;
  CurFileScope& operator=(const CurFileScope&) = delete;

 private:
  World& w_;
  OpenFile* saved_;
};

// The private data of the calling thread's open (devfs_set_cdevpriv and
// devfs_get_cdevpriv): 0, or ENOENT outside an entry point, EBUSY when
// already set; get: 0, EBADF outside an entry point, ENOENT when none.
int devsw_priv_set(World& w, void* data, void (*dtor)(void*));
int devsw_priv_get(World& w, void** data);
// Runs f's destructor now, if its private data is set (devfs_clear_cdevpriv
// on the calling thread's open).
void devsw_priv_destroy(OpenFile& f);

// A personality's record of a driver it loaded, kept for the World's life.
// A boot image (world.h) copies it and later assigns the copy back: a
// record is a value whose pointers name objects that live as long as the
// World, so the copy's pointers are the live record's.
struct ModuleLife;
struct DriverRecord {
  virtual ~DriverRecord() = default;
  // A loaded module's life (module_life.h), for a scripted unload to find
  // it by name; null for records that are not a module.
  virtual ModuleLife* module_life() { return nullptr; }
  virtual std::shared_ptr<DriverRecord> copy() const = 0;
  virtual void assign(const DriverRecord& from) = 0;
};
template <class T>
struct DriverRecordOf : DriverRecord {
  std::shared_ptr<DriverRecord> copy() const override {
    return std::make_shared<T>(static_cast<const T&>(*this));
  }
  void assign(const DriverRecord& from) override {
    static_cast<T&>(*this) = static_cast<const T&>(from);
  }
};

// Component slot kSlotDev: the records (below) and the values (a boot
// image copies this part whole).
struct DevSwitchValues {
  uint32_t next_major = 1;
  // Opens per dev and open type (spec_key): a driver's close entry point
  // runs on the last close of each (CloseRule). Keyed by number, so ordered
  // and stable.
  std::map<uint64_t, uint32_t> opens;
  // Last closes in progress, by dev: the spec node lock of a real kernel,
  // which serialises the last close with opens. While one is registered a
  // new open of the dev waits on q (made only when someone waits). `epoch`
  // counts opens that succeeded meanwhile (they were already inside the
  // driver when the close began): a close that began before such an open is
  // no longer the last one and skips the driver's close.
  struct Closing {
    uint32_t n = 0;
    uint32_t epoch = 0;
    sim::ObjId q = 0;
  };
  std::map<uint64_t, Closing> closing;
  // Opens inside the driver's open entry point, by the dev asked for, and
  // the queue a last close waits on for them (made only when one waits).
  struct Opening {
    uint32_t n = 0;
    sim::ObjId q = 0;
  };
  std::map<uint64_t, Opening> opening;
  // The boot gate: module loads still running; user threads wait for them.
  uint32_t loads_pending = 0;
  sim::ObjId boot_gate = 0;
  bool closer_registered = false;  // the exit-time close of open files
  // The administrator's permissions for each driver's minor nodes (illumos
  // /etc/minor_perm), by driver name; set before the boot.
  std::map<std::string, std::vector<AdminPerm>> minor_perms;
  bool node_check_registered = false;
};
struct DevSwitch : DevSwitchValues {
  std::vector<std::unique_ptr<DevNode>> nodes;  // creation order
  // Nodes a boot image's restore dropped (made after the boot), for
  // devsw_add_node to reuse: a driver that makes a node per mapping
  // (lofi) makes it in every execution.
  std::vector<std::unique_ptr<DevNode>> spare_nodes;
  // The values' maps' erased nodes, for their next entries (node_spares.h).
  NodeSpares<decltype(DevSwitchValues::opens)> opens_spares;
  NodeSpares<decltype(DevSwitchValues::closing)> closing_spares;
  NodeSpares<decltype(DevSwitchValues::opening)> opening_spares;
  // Records a personality keeps for the drivers it loaded (World lifetime).
  std::vector<std::shared_ptr<DriverRecord>> driver_records;
};

DevSwitch& devsw(World& w);
uint32_t devsw_new_major(World& w);
DevNode& devsw_add_node(World& w, const std::string& path, uint32_t major, uint32_t minor,
                        bool block, const DevOps& ops);
// Removes the node; if its ops ask for a drain, then waits until no thread
// is inside the driver through it; then destroys its opens' private data
// (FreeBSD destroy_dev runs the cdevpriv destructors).
void devsw_remove_node(World& w, const std::string& path);
// Entering and leaving the driver's entry points through n, for a removal
// that drains them (DevOps::drain_lock).
inline void devsw_enter_driver(DevNode& n) { n.inside++; }
void devsw_leave_driver(World& w, DevNode& n);
// A device of driver `owner` (DevNode::owner) is open, or an open or last
// close of it is inside the driver: some dev of a major its nodes use has
// an open count (illumos refuses to detach it).
bool devsw_driver_open(World& w, const std::string& owner);
// Holds (or releases, waking the waiters) the opens of driver `owner`'s
// nodes while its instance detaches: illumos keeps the instance busy then.
void devsw_hold_opens(World& w, const std::string& owner, bool hold);
// The report of a node left behind by an unloaded driver: the first live
// node of `owner` (of any driver when null). False when there is none.
bool devsw_node_left(World& w, const char* owner, std::string* msg, std::string* sig);
// The live node at path, or null. devsw_find also returns a removed node.
DevNode* devsw_lookup(World& w, const std::string& path);
DevNode* devsw_find(World& w, const std::string& path);

// Open and close of a dev through its node, counting opens per dev: the
// driver's close runs on the last close. Used by the syscalls and by the
// exit-time close.
int devsw_open(World& w, DevNode& n, uint64_t* dev, int flags, const Cred& cr);
// An open of a dev whose last close is running waits for that close to end,
// then opens afresh (ENXIO if the driver removed the node meanwhile). A last
// close waits for opens already inside the driver; if one of them succeeds,
// the device stays open and the driver's close is left to its last close.
int devsw_close(World& w, DevNode& n, uint64_t dev, int flags, const Cred& cr);
// A device mapping of dev holds it as an open does (DevOps::close_after_unmap):
// devsw_close at the mapping's end releases it.
void devsw_map_hold(World& w, DevNode& n, uint64_t dev);

// The device close of an open file, once: at close(2) when no system call
// holds the file, else at the last release (syscalls.cc), and at exit.
int devsw_close_file(World& w, OpenFile& f, const Cred& cr);

// The open file at descriptor fd of p, or null (a free descriptor, or one
// close(2) has taken away).
std::shared_ptr<OpenFile> getf(Proc& p, int64_t fd);

// The file a system call uses, held for the call's duration (illumos
// getf/releasef): a close(2) by another thread meanwhile removes the
// descriptor at once but leaves the driver's close to the last release.
struct FileHold {
  World& w;
  const Cred& cr;
  std::shared_ptr<OpenFile> f;  // null: fd names no open file
  FileHold(World& w, Proc& p, int64_t fd);
  ~FileHold();
  FileHold(const FileHold&) = delete;
  FileHold& operator=(const FileHold&) = delete;
};

// Registers (once) the teardown hook that closes every open file of every
// process, in pid then fd order, as process exit does: the scenario's
// threads may exit with files open. It must run before the drivers' detach
// hooks, so load_driver registers it before any driver's own hook.
void devsw_register_exit_close(World& w);
// A process's exit, once (Proc::exited): its exit hooks, then its open
// files closed in fd order in its own context, then its address space. Run
// by the teardown hook, or by the last thread of a killed process to leave
// the kernel (proc_thread_killed), which is the caller's thread.
void devsw_proc_exit(World& w, Proc& p);

// The boot gate: module loads run on their own kernel threads ("modload:x")
// and must finish before user threads make system calls.
// The host request with which the last load stops the World when the
// set-up asked for it (World::want_boot_stop).
constexpr int kReqBootDone = 0x424f;
void boot_load_started(World& w);
// On the host, in the set-up: runs the module loads it started until the
// last one finishes, so the kernel is up before the set-up makes its user
// threads (the Program's, a scenario's); nothing when no load is pending.
// False if the boot failed (or hung) instead: the run reports it.
bool boot_now(World& w);
void boot_load_finished(World& w);
void wait_for_boot(World& w);

// The key of a dev's opens of one type: illumos keeps one common snode per
// (dev, character or block), so each type has its own open count, last
// close and spec lock.
inline uint64_t spec_key(uint64_t dev, bool block) {
  return block ? dev | (uint64_t(1) << 63) : dev;
}

inline uint64_t makedev64(uint32_t major, uint32_t minor) {
  return (uint64_t(major) << 32) | minor;
}
inline uint32_t major64(uint64_t d) { return uint32_t(d >> 32); }
inline uint32_t minor64(uint64_t d) { return uint32_t(d); }

}  // namespace ks::km
