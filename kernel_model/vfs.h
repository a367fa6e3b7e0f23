// In-memory backing files: what a loopback driver's vnodes and a backend's
// store sit on. Sizes, pread/pwrite, and an injectable EIO (a recorded fault
// choice) per I/O when the World injects faults.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "kernel_model/node_spares.h"
#include "sim/event.h"

namespace ks::km {

class World;

struct BackingFile {
  std::string path;
  std::vector<unsigned char> data;
  bool readonly = false;
  uint32_t holds = 0;  // references (vnode holds); must be 0 at teardown
  sim::ObjId obj = 0;
};

// Files by absolute path (component slot kSlotVfs); ordered by path.
// Recycled (component_pool.h): the files' nodes, paths and data keep
// their storage for the next World's.
struct Vfs {
  std::map<std::string, BackingFile> files;
  NodeSpares<std::map<std::string, BackingFile>> spares;
  void recycle() { spares.clear(files); }
};

Vfs& vfs(World& w);
BackingFile& vfs_create(World& w, const std::string& path, uint64_t size, bool readonly);
BackingFile* vfs_lookup(World& w, const std::string& path);
// A vnode hold and its release (VN_HOLD/VN_RELE); releasing a file with no
// holds is a panic, and holds left at teardown a vnode leak (kTeardown).
void vfs_hold(World& w, BackingFile& f);
void vfs_rele(World& w, BackingFile& f);
// Each a scheduling point; return bytes moved (short at EOF) or -errno
// (EIO when a fault is injected, EINVAL for a negative offset).
int64_t vfs_pread(World& w, BackingFile& f, void* buf, uint64_t len, int64_t off);
int64_t vfs_pwrite(World& w, BackingFile& f, const void* buf, uint64_t len, int64_t off);

}  // namespace ks::km
