// The device switch: named device nodes with major/minor numbers whose
// entry points (open, close, read, write, ioctl) a personality provides,
// and open files that refer to them. Personality-neutral: the illumos
// personality adapts cb_ops onto DevOps, FreeBSD cdevsw likewise.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/event.h"

namespace ks::km {

class World;
struct Proc;
struct Cred;

// Open flags, as the kernel sees them (illumos/FreeBSD FREAD/FWRITE/FEXCL...).
constexpr int kFRead = 0x1, kFWrite = 0x2, kFNdelay = 0x4, kFNonblock = 0x80,
              kFExcl = 0x400, kFCreat = 0x100, kFTrunc = 0x200;
// User open(2) flags accepted by sys_open (Linux values, as the scenario says them).
constexpr int kORdonly = 0, kOWronly = 1, kORdwr = 2, kOExcl = 0200, kONdelay = 04000;

// A user I/O request for read/write: one user buffer.
struct UserIo {
  uint64_t uaddr;
  uint64_t resid;
  int64_t offset;
  bool write;  // user write(2): data flows user -> driver
};

struct DevOps {
  void* cookie;  // the personality's driver record
  int (*open)(void* cookie, uint64_t* dev, int flags, bool block, const Cred& cr);
  int (*close)(void* cookie, uint64_t dev, int flags, bool block, const Cred& cr);
  int (*read)(void* cookie, uint64_t dev, UserIo& io, const Cred& cr);
  int (*write)(void* cookie, uint64_t dev, UserIo& io, const Cred& cr);
  int (*ioctl)(void* cookie, uint64_t dev, int64_t cmd, uint64_t arg, int mode,
               const Cred& cr, int* rval);
};

struct DevNode {
  std::string path;  // "/dev/sample", "/dev/rlofi/1"
  uint32_t major, minor;
  bool block;        // block special (else character)
  DevOps ops;
  sim::ObjId obj;
  bool removed = false;
};

struct OpenFile {
  DevNode* node;
  uint64_t dev;  // after a clone open, the minor the driver picked
  int flags;     // kF*
  int64_t offset = 0;
  bool closed = false;
};

// Component slot kSlotDev.
struct DevSwitch {
  std::vector<std::unique_ptr<DevNode>> nodes;  // creation order
  uint32_t next_major = 1;
};

DevSwitch& devsw(World& w);
uint32_t devsw_new_major(World& w);
DevNode& devsw_add_node(World& w, const std::string& path, uint32_t major, uint32_t minor,
                        bool block, const DevOps& ops);
void devsw_remove_node(World& w, const std::string& path);
DevNode* devsw_lookup(World& w, const std::string& path);

inline uint64_t makedev64(uint32_t major, uint32_t minor) {
  return (uint64_t(major) << 32) | minor;
}
inline uint32_t major64(uint64_t d) { return uint32_t(d >> 32); }
inline uint32_t minor64(uint64_t d) { return uint32_t(d); }

}  // namespace ks::km
