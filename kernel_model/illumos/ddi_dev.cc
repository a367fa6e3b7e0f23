// illumos device functions: minor nodes onto the device switch, instance and
// driver-private data, and the adapter that turns the device switch's calls
// into cb_ops calls (open with dev_t* and OTYP_CHR, ioctl with mode and
// rvalp, read/write through a uio).
#include <cerrno>
#include <string_view>
#include <sys/stat.h>

#include "kernel_model/illumos/dev_impl.h"
#include "kernel_model/poll.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/conf.h>
#include <sys/ddi_impldefs.h>
#include <sys/open.h>
#include <sys/poll.h>
#include <sys/uio.h>
}

namespace ks::km::illumos {

namespace {
IlDriver* D(void* cookie) { return static_cast<IlDriver*>(cookie); }
struct cb_ops* CB(void* cookie) {
  IlDriver* d = D(cookie);
  return d->ops ? d->ops->devo_cb_ops : nullptr;
}
// The kernel model's credential is what a cred_t* points at (sys/cred.h).
struct cred* CR(const Cred& c) {
  return reinterpret_cast<struct cred*>(const_cast<Cred*>(&c));
}

int a_open(void* cookie, uint64_t* dev, int flags, bool block, const Cred& cr) {
  struct cb_ops* cb = CB(cookie);
  if (!cb || !cb->cb_open) return ENXIO;
  dev_t d = static_cast<dev_t>(*dev);
  int rc = cb->cb_open(&d, flags, block ? OTYP_BLK : OTYP_CHR, CR(cr));
  // A clone open hands back another minor of the same driver.
  if (rc == 0) *dev = makedev64(getmajor(*dev), getminor(d));
  return rc;
}

int a_close(void* cookie, uint64_t dev, int flags, bool block, const Cred& cr) {
  struct cb_ops* cb = CB(cookie);
  if (!cb || !cb->cb_close) return 0;
  return cb->cb_close(static_cast<dev_t>(dev), flags, block ? OTYP_BLK : OTYP_CHR, CR(cr));
}

int a_rw(void* cookie, uint64_t dev, UserIo& io, const Cred& cr) {
  struct cb_ops* cb = CB(cookie);
  auto fn = cb ? (io.write ? cb->cb_write : cb->cb_read) : nullptr;
  if (!fn) return ENXIO;
  iovec_t iov;
  iov.iov_base = reinterpret_cast<void*>(static_cast<uintptr_t>(io.uaddr));
  iov.iov_len = io.resid;
  uio_t uio{};
  uio.uio_iov = &iov;
  uio.uio_iovcnt = 1;
  uio.uio_loffset = io.offset;
  uio.uio_segflg = UIO_USERSPACE;
  uio.uio_fmode = static_cast<uint16_t>(io.fmode);
  uio.uio_limit = INT64_MAX;
  uio.uio_resid = static_cast<ssize_t>(io.resid);
  int rc = fn(static_cast<dev_t>(dev), &uio, CR(cr));
  io.resid = uio.uio_resid < 0 ? 0 : static_cast<uint64_t>(uio.uio_resid);
  return rc;
}

int a_ioctl(void* cookie, uint64_t dev, int64_t cmd, uint64_t arg, int mode, const Cred& cr,
            int* rval) {
  struct cb_ops* cb = CB(cookie);
  if (!cb || !cb->cb_ioctl) return ENOTTY;
  return cb->cb_ioctl(static_cast<dev_t>(dev), static_cast<int>(cmd),
                      static_cast<intptr_t>(arg), mode, CR(cr), rval);
}
// poll(2) through specfs (spec_poll, cdev_poll), as poll's cache calls it:
// the events filtered to the valid ones (VALID_POLL_EVENTS), anyyet always
// 0, the pollhead the driver hands back registered after chpoll returns.
// Without a cb_chpoll (NULL) specfs answers with fs_poll: ready for every
// read and write event asked, no pollhead. nochpoll is a chpoll that
// returns ENXIO, which fails poll(2).
constexpr short kValidPollEvents = POLLIN | POLLPRI | POLLOUT | POLLRDNORM | POLLRDBAND |
                                   POLLWRBAND | POLLHUP | POLLERR | POLLNVAL;
int a_chpoll(void* cookie, uint64_t dev, short events, bool, short* revents, const Cred&) {
  struct cb_ops* cb = CB(cookie);
  short ev = static_cast<short>(events & kValidPollEvents);
  if (!cb || !cb->cb_chpoll) {
    *revents = static_cast<short>(ev & (POLLIN | POLLRDNORM | POLLRDBAND | POLLOUT | POLLWRBAND));
    return 0;
  }
  short rev = 0;
  struct pollhead* php = nullptr;
  int e = cb->cb_chpoll(static_cast<dev_t>(dev), ev, 0, &rev, &php);
  if (e != 0) return e;
  if (php) ks::km::poll_record(*World::current(), php);
  *revents = rev;
  return 0;
}

}  // namespace

DevOps dev_ops_adapter(IlDriver* d) {
  // illumos's rules are the neutral defaults: a partial count survives only
  // EINTR (rw.c), close(9E) at the last close of each open type.
  DevOps ops{d, a_open, a_close, a_rw, a_rw, a_ioctl};
  ops.remove_hint = "ddi_remove_minor_node in its detach";
  // poll(2): common/syscall/poll.c's rules (kernel_model/poll.h): the
  // poller stays on the pollhead after a wakeup and after poll returns
  // (the poll cache) until close or exit; a pass after a wakeup asks the
  // fds that were woken and those without a pollhead; a first pollhead
  // with nothing ready is polled once more; chpoll's error fails the call;
  // a pass after a wakeup calls chpoll holding the poll cache's lock.
  ops.poll = a_chpoll;
  // mmap(2): specfs onto devmap (devmap.cc); a mapping holds the device
  // open until its last page goes.
  devmap_adapter(ops);
  ops.poll_rules.unlink_on_wakeup = false;
  ops.poll_rules.cached = true;
  ops.poll_rules.rescan_unregistered = true;
  ops.poll_rules.repoll_first_register = true;
  ops.poll_rules.error_fails_call = true;
  ops.poll_rules.poller_locked_in_driver = true;
  ops.poll_rules.head_name = "struct pollhead";
  ops.poll_rules.clean_hint = "pollhead_clean";
  return ops;
}

IlDriver* cb_driver_of(const DevOps& ops) {
  return ops.open == a_open ? D(ops.cookie) : nullptr;
}

std::string minor_path(const std::string& drv, const std::string& name, bool block) {
  // The links devfsadm makes for the conventional names: a block node "N"
  // is /dev/<drv>/N and its character twin "N,raw" is /dev/r<drv>/N (as for
  // lofi). Any other name, or one that already names a directory, is
  // /dev/<name>.
  // Built in one string, not from temporaries (two nodes per lofi mapping).
  std::string out = "/dev/";
  if (name.find('/') == std::string::npos) {
    constexpr std::string_view raw = ",raw";
    if (!block && name.size() > raw.size() &&
        std::string_view(name).substr(name.size() - raw.size()) == raw) {
      out += 'r';
      out += drv;
      out += '/';
      out.append(name, 0, name.size() - raw.size());
      return out;
    }
    if (block) {
      out += drv;
      out += '/';
      out += name;
      return out;
    }
  }
  out += name;
  return out;
}

namespace {

// A device policy's privilege that only root holds here: any but the
// basic ones (sys/priv_names.h).
bool needs_privilege(const char* priv) {
  if (!priv || !*priv) return false;
  static constexpr std::string_view kBasic[] = {"none",      "file_link_any", "file_read",
                                                "file_write", "net_access",   "proc_exec",
                                                "proc_fork",  "proc_info",    "proc_session"};
  for (std::string_view b : kBasic)
    if (b == priv) return false;
  return true;
}

// The node's /devices attributes, in devfs's order: the administrator's
// minor_perm entry, else the mode ddi_create_priv_minor_node gave (for a
// node with a device policy or PRIVONLY_DEV), else devfs's default, 0600
// root sys (devfs.h DV_DEVMODE_DEFAULT, DV_UID_DEFAULT, DV_GID_DEFAULT;
// the order is devfs_vnops.c's, both read). A PRIVONLY_DEV node's mode is
// never checked; its device policy is.
ks::km::NodePerm minor_perm(World& w, const char* drv, const char* name, int flag,
                            const char* rdpriv, const char* wrpriv, mode_t priv_mode) {
  ks::km::NodePerm p;
  p.checked = true;
  p.no_fsperm = (flag & PRIVONLY_DEV) != 0;
  p.read_priv = needs_privilege(rdpriv);
  p.write_priv = needs_privilege(wrpriv);
  p.uid = 0;
  p.gid = 3;
  p.mode = rdpriv || wrpriv || p.no_fsperm ? static_cast<uint16_t>(priv_mode & 0777) : 0600;
  const auto& perms = ks::km::devsw(w).minor_perms;
  if (!perms.empty())
    if (auto it = perms.find(drv); it != perms.end())
      if (const ks::km::AdminPerm* a = ks::km::match_minor_perm(it->second, name)) {
        p.uid = a->uid;
        p.gid = a->gid;
        p.mode = a->mode;
      }
  return p;
}

}  // namespace

}  // namespace ks::km::illumos

using ks::km::illumos::IlDriver;

extern "C" {

int ddi_create_minor_node(dev_info_t* dip, const char* name, int spec_type, minor_t minor,
                          const char* node_type, int flag) {
  return ddi_create_priv_minor_node(dip, name, spec_type, minor, node_type, flag, nullptr,
                                    nullptr, 0);
}

int ddi_create_priv_minor_node(dev_info_t* dip, const char* name, int spec_type, minor_t minor,
                               const char* node_type, int flag, const char* rdpriv,
                               const char* wrpriv, mode_t priv_mode) {
  if (!dip || !dip->drv || !name || !*name) return DDI_FAILURE;
  if (spec_type != S_IFCHR && spec_type != S_IFBLK) return DDI_FAILURE;
  IlDriver* d = dip->drv;
  ks::km::World& w = *d->w;
  std::string path = ks::km::illumos::minor_path(d->desc->name, name, spec_type == S_IFBLK);
  if (ks::km::devsw_lookup(w, path)) return DDI_FAILURE;  // that name is taken
  // ddi_create_minor_node(9F) returns DDI_FAILURE when the node cannot be
  // made (memory, a name already made): a driver must check.
  if (w.inject_fault()) return DDI_FAILURE;
  // A STREAMS driver (cb_str) is opened through a stream head.
  struct cb_ops* cb = d->ops ? d->ops->devo_cb_ops : nullptr;
  ks::km::DevOps ops = ks::km::illumos::dev_ops_adapter(d);
  if (cb && cb->cb_str) {
    ks::km::illumos::set_streams_module(d->str, cb->cb_flag);
    d->str.name = d->desc->name;
    d->str.tab = reinterpret_cast<const ks_streamtab_t*>(cb->cb_str);
    ops = ks::km::str::str_devops(&d->str, (flag & CLONE_DEV) != 0);
  }
  ks::km::DevNode& n = ks::km::devsw_add_node(w, path, d->major, minor, spec_type == S_IFBLK, ops);
  n.owner = d->desc->name;
  n.perm = ks::km::illumos::minor_perm(w, d->desc->name, name, flag, rdpriv, wrpriv, priv_mode);
  dip->nodes.emplace_back(name, path);
  return DDI_SUCCESS;
}

void ddi_remove_minor_node(dev_info_t* dip, const char* name) {
  if (!dip || !dip->drv) return;
  ks::km::World& w = *dip->drv->w;
  auto& v = dip->nodes;
  // The name measured once, not per node compared (lofi removes two nodes
  // by name per unmapping).
  const std::string_view want = name ? std::string_view(name) : std::string_view();
  for (size_t i = 0; i < v.size();) {
    if (name && std::string_view(v[i].first) != want) {
      i++;
      continue;
    }
    ks::km::devsw_remove_node(w, v[i].second);
    v.erase(v.begin() + static_cast<ptrdiff_t>(i));
  }
}

int ddi_get_instance(dev_info_t* dip) { return dip ? dip->instance : -1; }
void* ddi_get_driver_private(dev_info_t* dip) { return dip ? dip->driver_private : nullptr; }
void ddi_set_driver_private(dev_info_t* dip, void* data) {
  if (dip) dip->driver_private = data;
}
const char* ddi_driver_name(dev_info_t* dip) {
  if (!dip) return "";
  return dip->drv ? dip->drv->desc->name : dip->nexus ? dip->nexus : "";
}

// The nexus nodes every World shares: nothing a driver may do changes them
// (their properties are not the driver's to update).
namespace {
dev_info* nexus_node(bool root) {
  static dev_info r = [] {
    dev_info d;
    d.nexus = "rootnex";
    d.nexus_node = "i86pc";
    return d;
  }();
  static dev_info p = [] {
    dev_info d;
    d.nexus = "pseudo";
    d.nexus_node = "pseudo";
    return d;
  }();
  return root ? &r : &p;
}
}  // namespace

dev_info_t* ddi_root_node(void) { return nexus_node(true); }
dev_info_t* ddi_get_parent(dev_info_t* dip) {
  if (!dip || dip == nexus_node(true)) return nullptr;
  return dip == nexus_node(false) ? nexus_node(true) : nexus_node(false);
}
major_t ddi_driver_major(dev_info_t* dip) { return dip && dip->drv ? dip->drv->major : 0; }

int ddi_quiesce_not_needed(dev_info_t*) { return DDI_SUCCESS; }
int ddi_quiesce_not_supported(dev_info_t*) { return DDI_FAILURE; }

int nodev() { return ENXIO; }
int nulldev() { return 0; }
int nochpoll(dev_t, short, int, short*, struct pollhead**) { return ENXIO; }

}  // extern "C"
