// Who may open a device node: the owner, group and mode its /dev entry has,
// checked at open(2) before the driver's open entry point, as devfs's
// access check does on both kernels (FreeBSD devfs_access/vaccess;
// illumos devfs's dv_access and, for a node with a device policy,
// secpolicy_spec_open). A node whose personality sets none passes every
// open (QNX: the resource manager checks, iofunc_open's own business).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ks::km {

struct Cred;

struct NodePerm {
  bool checked = false;  // false: every open passes
  uint32_t uid = 0, gid = 0;
  uint16_t mode = 0;       // the rwx bits: owner, group, other
  bool no_fsperm = false;  // illumos PRIVONLY_DEV: the mode is not checked
  // illumos device policy: opening for writing (else for reading) needs a
  // privilege beyond the basic set, which only root holds here.
  bool read_priv = false, write_priv = false;
};

// 0 or EACCES (the mode or the device policy refuses it) for an open with
// kFRead/kFWrite `flags` by `cr`. Root passes: it holds every
// privilege (PRIV_VFS_READ/WRITE, file_dac_read/write, any device policy).
int node_access(const NodePerm& p, int flags, const Cred& cr);

// An administrator's permissions for a driver's minor nodes: illumos's
// /etc/minor_perm (add_drv -m), "minor-name mode owner group" per entry,
// the name a pattern where '*' matches any run of characters. The first
// matching entry wins.
struct AdminPerm {
  std::string minor;  // pattern
  uint32_t uid = 0, gid = 0;
  uint16_t mode = 0;
};
// Reads `driver`'s entries; throws ModuleError naming the entry and what
// is wrong (owner and group: a number or one of illumos's standard
// /etc/passwd and /etc/group names).
std::vector<AdminPerm> parse_minor_perm(const std::string& driver,
                                        const std::vector<std::string>& entries);
const AdminPerm* match_minor_perm(const std::vector<AdminPerm>& perms, std::string_view minor);

}  // namespace ks::km
