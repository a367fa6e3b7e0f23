// The illumos personality's records of a loaded driver and its device
// instance (dev_info_t). C++ only; drivers see dev_info_t as opaque.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kernel_model/devsw.h"
#include "kernel_model/drivers.h"
#include "kernel_model/module_life.h"
#include "kernel_model/illumos/prop_table.h"
#include "kernel_model/stream.h"
#include "kernel_model/world.h"
#include "kernsim/abi.h"

extern "C" {
#include <sys/devops.h>
#include <sys/modctl.h>
}

namespace ks::km::illumos {

struct IlDriver;

}  // namespace ks::km::illumos

// The dev_info_t a driver's attach and detach get: one per instance (one,
// instance 0, unless its driver.conf has node entries).
// The two nexus nodes above it (ddi_root_node, the pseudo nexus) have no
// driver record, only their names.
struct dev_info {
  ks::km::illumos::IlDriver* drv = nullptr;
  const char* nexus = nullptr;     // a nexus node's driver name
  const char* nexus_node = nullptr;  // ... and its node name
  int instance = 0;
  bool attached = false;  // its attach(9E) succeeded and no detach since
  void* driver_private = nullptr;
  // Minor nodes, creation order: the minor name and the /dev path of the
  // node made for it.
  std::vector<std::pair<std::string, std::string>> nodes;
  // Its properties by (dev, name), in that order: one per (dev, name), of
  // the type it was last updated with. The driver's own (devi_drv_prop_ptr:
  // ddi_prop_update, ddi_prop_remove_all drops them).
  ks::km::illumos::PropTable<ks::km::illumos::PropValue> props;
  // From driver.conf(5) (conf_props.cc), DDI_DEV_T_NONE, searched after
  // the driver's own in illumos's order (ddi_prop_search_common): the
  // node's entry's (devi_sys_prop_ptr), then the driver's global ones
  // (devi_global_prop_list). The driver cannot change or remove them; its
  // own property of the same name (ddi_prop_update, ddi_prop_undefine)
  // hides them.
  ks::km::illumos::PropTable<ks::km::illumos::PropValue> sys_props;
  ks::km::illumos::PropTable<ks::km::illumos::PropValue> global_props;
};

namespace ks::km::illumos {

struct IlDriver : DriverRecordOf<IlDriver> {
  World* w = nullptr;
  const ks_driver_desc* desc = nullptr;
  struct dev_ops* ops = nullptr;  // what _init's mod_install installed
  struct fmodsw* fmod = nullptr;  // ... or, for a STREAMS module, its fmodsw
  str::StrModule str;             // the STREAMS framework's view of either
  bool installed = false;
  ModuleLife life;  // its life in the World (attached: instance 0)
  ModuleLife* module_life() override { return &life; }
  uint32_t major = 0;
  dev_info dip;  // its first node: instance 0, or driver.conf's first entry's
  // The nodes of driver.conf's further entries, in the file's order
  // (conf_props.cc); made before _init, never added to after (a driver
  // keeps their addresses).
  std::deque<dev_info> more;
  // Its devices' live mappings (devmap.cc's handles), owned here so that
  // a run ending with one still mapped frees it with the record.
  std::vector<std::shared_ptr<void>> maps;
};

// A STREAMS driver's or module's record for the model: its flags and
// inner perimeter (from D_MT*), and illumos's stream head ioctl numbers.
void set_streams_module(str::StrModule& m, int flags);
// driver.conf(5) (conf_props.cc): the personality's ConfigParser, and the
// parsed file's properties put on the driver's node.
ConfigParser conf_parser();
// The driver's nodes from its parsed driver.conf (null: instance 0 alone),
// each with its entry's and the global properties.
void make_nodes(IlDriver& d, const void* config);
// The properties of entry `node` (none: only the globals) and the global
// ones onto dip.
void apply_conf(dev_info& dip, const void* config, size_t node = 0);
// The device switch's view of the driver's cb_ops.
DevOps dev_ops_adapter(IlDriver* d);
// The driver behind a node whose ops dev_ops_adapter made (a character or
// block device of an illumos driver), or null (a stream, another
// personality's device): what the LDI calls through.
IlDriver* cb_driver_of(const DevOps& ops);
// Its mmap(2): specfs and devmap (devmap.cc).
void devmap_adapter(DevOps& ops);
// The /dev path of a minor node, as devfsadm links it.
std::string minor_path(const std::string& drv, const std::string& name, bool block);

}  // namespace ks::km::illumos
