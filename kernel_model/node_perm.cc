// Device node permissions (node_perm.h).
#include "kernel_model/node_perm.h"

#include <cerrno>
#include <cstdlib>
#include <sstream>

#include "kernel_model/devsw.h"
#include "kernel_model/module.h"
#include "kernel_model/proc.h"

namespace ks::km {

int node_access(const NodePerm& p, int flags, const Cred& cr) {
  if (!p.checked || cr.privileged()) return 0;
  // Both kernels look at one class of bits: the owner's when the uid is
  // the node's, else the group's when the gid is, else the others'.
  if (!p.no_fsperm) {
    unsigned bits = cr.uid == p.uid ? p.mode >> 6 : cr.gid == p.gid ? p.mode >> 3 : p.mode;
    unsigned want = ((flags & kFRead) ? 4u : 0u) | ((flags & kFWrite) ? 2u : 0u);
    if ((bits & want) != want) return EACCES;
  }
  // secpolicy_spec_open: the write set for an open that writes, else the
  // read set; secpolicy_require_set refuses with EACCES (policy.c, read).
  if ((flags & kFWrite) ? p.write_priv : p.read_priv) return EACCES;
  return 0;
}

namespace {

// illumos's standard accounts (its /etc/passwd and /etc/group as shipped;
// from memory).
struct Name {
  const char* name;
  uint32_t id;
};
constexpr Name kUsers[] = {{"root", 0}, {"daemon", 1}, {"bin", 2},  {"sys", 3},
                           {"adm", 4},  {"uucp", 5},   {"lp", 71},  {"nobody", 60001}};
constexpr Name kGroups[] = {{"root", 0}, {"other", 1}, {"bin", 2},   {"sys", 3},
                            {"adm", 4},  {"uucp", 5},  {"mail", 6},  {"tty", 7},
                            {"lp", 8},   {"staff", 10}, {"daemon", 12}, {"nobody", 60001}};

template <size_t N>
bool id_of(const std::string& s, const Name (&names)[N], uint32_t* id) {
  for (const Name& n : names)
    if (s == n.name) return *id = n.id, true;
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 9)
    return false;
  *id = static_cast<uint32_t>(std::strtoul(s.c_str(), nullptr, 10));
  return true;
}

bool glob(std::string_view pat, std::string_view s) {
  // '*' backtracks to the last star only: enough for one pattern language
  // with no other metacharacters.
  size_t p = 0, i = 0, star = std::string_view::npos, mark = 0;
  while (i < s.size()) {
    if (p < pat.size() && pat[p] == '*') {
      star = p++;
      mark = i;
    } else if (p < pat.size() && pat[p] == s[i]) {
      p++;
      i++;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      i = ++mark;
    } else {
      return false;
    }
  }
  while (p < pat.size() && pat[p] == '*') p++;
  return p == pat.size();
}

}  // namespace

std::vector<AdminPerm> parse_minor_perm(const std::string& driver,
                                        const std::vector<std::string>& entries) {
  std::vector<AdminPerm> out;
  for (size_t i = 0; i < entries.size(); i++) {
    auto refuse = [&](const std::string& why) {
      throw ModuleError("minor_perm of " + driver + ", entry " + std::to_string(i + 1) + " '" +
                        entries[i] + "': " + why);
    };
    std::istringstream in(entries[i]);
    std::string minor, mode, owner, group, extra;
    if (!(in >> minor >> mode >> owner >> group))
      refuse("wants four fields: minor-name mode owner group (as /etc/minor_perm, without the "
             "driver)");
    if (in >> extra) refuse("'" + extra + "' after the group");
    if (minor.find(':') != std::string::npos)
      refuse("the minor name has a ':' (give the entry without '" + driver + ":')");
    if (mode.find_first_not_of("01234567") != std::string::npos || mode.size() > 4)
      refuse("mode '" + mode + "' is not an octal mode of at most four digits");
    AdminPerm a;
    a.minor = minor;
    a.mode = static_cast<uint16_t>(std::strtoul(mode.c_str(), nullptr, 8) & 0777);
    if (!id_of(owner, kUsers, &a.uid)) refuse("owner '" + owner + "' is no user kernsim knows");
    if (!id_of(group, kGroups, &a.gid)) refuse("group '" + group + "' is no group kernsim knows");
    out.push_back(std::move(a));
  }
  return out;
}

const AdminPerm* match_minor_perm(const std::vector<AdminPerm>& perms, std::string_view minor) {
  for (const AdminPerm& a : perms)
    if (glob(a.minor, minor)) return &a;
  return nullptr;
}

}  // namespace ks::km
