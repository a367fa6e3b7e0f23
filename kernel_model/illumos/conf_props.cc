// A driver's driver.conf(5) onto its devinfo node. illumos makes the
// properties of a node entry with e_ddi_prop_update_*(DDI_DEV_T_NONE, ...)
// on the node the entry describes (its system properties), and the global
// entries' on the driver's global property list every node of the driver
// searches (modsysfile.c make_prop; impl_make_parlist; sunddi.c
// ddi_prop_search_common, all checked in illumos-gate). Integers are
// DDI_PROP_TYPE_INT arrays, strings DDI_PROP_TYPE_STRING arrays.
//
// Each node entry is a node of the driver under the pseudo nexus, with the
// entry's instance number, attached in the file's order (detached in the
// reverse); with no entry the driver has instance 0 alone, as without a
// driver.conf (a real pseudo driver with no node entry would attach
// none). An entry must name the driver itself (no driver_aliases),
// parent="pseudo" (the only nexus modelled) and, when there are several,
// its instance= (the pseudo nexus's own numbering of entries without one
// is not modelled); anything else is refused, never silently dropped.
#include <cstring>
#include <memory>
#include <string>

#include "kernel_model/drivers.h"
#include "kernel_model/illumos/dev_impl.h"
#include "kernel_model/illumos/driver_conf.h"

extern "C" {
#include <sys/sunddi.h>
}

namespace ks::km::illumos {

namespace {

void put(PropTable<PropValue>& t, const ConfProp& p) {
  PropValue& v = t.get(static_cast<uint64_t>(DDI_DEV_T_NONE), p.name);
  v.undefined = false;
  v.bytes.clear();
  if (p.strings) {
    v.type = DDI_PROP_TYPE_STRING;
    for (const std::string& s : p.strs) v.bytes.append(s.c_str(), s.size() + 1);
  } else {
    v.type = DDI_PROP_TYPE_INT;
    for (int32_t i : p.ints) {
      int x = i;
      v.bytes.append(reinterpret_cast<const char*>(&x), sizeof x);
    }
  }
}

[[noreturn]] void refuse(const DriverConf& c, const ks_driver_desc* d, int line,
                         const std::string& what) {
  throw ModuleError(std::string("driver.conf of ") + d->name + ": " + c.file + ":" +
                    std::to_string(line) + ": " + what);
}

std::shared_ptr<const void> parse(const std::string& text, const std::string& file,
                                  const ks_driver_desc* d) {
  auto conf = std::make_shared<DriverConf>();
  try {
    *conf = parse_driver_conf(text, file);
  } catch (const ConfError& e) {
    throw ModuleError(std::string("driver.conf of ") + d->name + ": " + e.what());
  }
  for (size_t i = 0; i < conf->nodes.size(); i++) {
    const ConfNode& n = conf->nodes[i];
    if (n.name != d->name)
      refuse(*conf, d, n.line, "the entry is for node \"" + n.name + "\", but this is the "
                               "driver.conf of " + d->name + " (kernsim binds a node to the "
                               "driver of its own name only)");
    if (!n.cls.empty() && n.parent.empty())
      refuse(*conf, d, n.line, "class=\"" + n.cls + "\" without parent=: binding a node by "
                               "class is not modelled (kernsim has only the pseudo nexus)");
    if (n.parent != "pseudo")
      refuse(*conf, d, n.line, "parent=\"" + n.parent + "\": kernsim's illumos has only the "
                               "pseudo nexus (parent=\"pseudo\")");
    if (conf->nodes.size() > 1 && !n.has_instance)
      refuse(*conf, d, n.line, "the entry has no instance=: with several entries for " +
                                   std::string(d->name) + ", each names its instance number");
    for (size_t j = 0; j < i; j++)
      if (conf->nodes[j].instance == n.instance)
        refuse(*conf, d, n.line, "a second entry for instance " + std::to_string(n.instance) +
                                     " of " + n.name + " (the first is on line " +
                                     std::to_string(conf->nodes[j].line) + ")");
  }
  return conf;
}

}  // namespace

void apply_conf(dev_info& dip, const void* config, size_t node) {
  dip.sys_props.clear();
  dip.global_props.clear();
  if (!config) return;
  const auto& c = *static_cast<const DriverConf*>(config);
  for (const ConfProp& p : c.globals) put(dip.global_props, p);
  if (node < c.nodes.size())
    for (const ConfProp& p : c.nodes[node].props) put(dip.sys_props, p);
}

// Called by the loader as it makes the driver's record, before _init.
void make_nodes(IlDriver& d, const void* config) {
  d.more.clear();
  d.dip.drv = &d;
  d.dip.instance = 0;
  apply_conf(d.dip, config, 0);
  if (!config) return;
  const auto& c = *static_cast<const DriverConf*>(config);
  for (size_t i = 0; i < c.nodes.size(); i++) {
    dev_info& n = i == 0 ? d.dip : d.more.emplace_back();
    n.drv = &d;
    n.instance = c.nodes[i].instance;
    apply_conf(n, config, i);
  }
}

ConfigParser conf_parser() { return parse; }

}  // namespace ks::km::illumos
