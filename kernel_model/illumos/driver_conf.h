// driver.conf(5): a driver's configuration file, /kernel/drv/<driver>.conf
// on illumos, as the kernel's reader of it (modsysfile.c: kobj_lex,
// get_hwc_spec, hwc_parse_now) accepts it. Entries end with ';'; each is
// whitespace-separated `name`, `name=value` or `name=v1,v2,...` items,
// values all integers (decimal, 0x hex, 0-prefixed octal, with a leading
// '-' or '~') or all quoted strings ("..." with \c and \ooo escapes); '#'
// starts a comment to the end of the line. An entry with name="..." is a
// device node (it needs parent= or class=); one without is a list of
// driver-global properties. A property with no value is an integer 0
// (make_prop: e_ddi_prop_update_int(..., 0)).
//
// Where illumos warns and goes on (a mixed-type list, an octal 08, a
// missing quote), the file is refused here: the error names the file, the
// line and what is wrong, so a scenario never runs with a configuration
// other than the one its author wrote. Host code, no illumos headers: the
// personality encodes the values (driver_conf_props.cc).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ks::km::illumos {

struct ConfProp {
  std::string name;
  int line = 0;
  bool strings = false;       // a string (array); else integers
  std::vector<int32_t> ints;  // no value at all: one 0
  std::vector<std::string> strs;
};

// An entry with name=: a device node the framework would make.
struct ConfNode {
  std::string name, parent, cls;
  int line = 0;
  bool has_instance = false;
  int32_t instance = 0;
  std::vector<ConfProp> props;  // its own (system) properties, "class" and "instance" too
};

struct DriverConf {
  std::string file;
  std::vector<ConfProp> globals;  // the driver's global properties
  std::vector<ConfNode> nodes;
};

class ConfError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Throws ConfError "FILE:LINE: what is wrong".
DriverConf parse_driver_conf(std::string_view text, const std::string& file);

}  // namespace ks::km::illumos
