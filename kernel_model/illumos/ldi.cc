// The layered driver interface, ldi(9F) (<sys/sunldi.h>): a driver opens
// another driver's device through the kernel model's device switch, as
// specfs opens it for open(2) (illumos driver_lyr.c ldi_open_by_vp:
// VOP_OPEN with FKLYR; spec_open counts it on the common snode with the
// user opens, OTYP_CHR or OTYP_BLK, and spec_close calls the driver's
// close at the last of them). So a layered open holds the target open:
// its detach and modunload are refused meanwhile (devsw_driver_open), and
// its close(9E) runs at the last close, user or layered.
//
// Identifiers and handles are plain records in kmem (tags ldi_ident,
// ldi_handle): one never released is a leak at teardown like any other
// kmem, and a handle used after its ldi_close is reported where it is
// used. Only character and block devices of illumos drivers are layered
// onto; a stream's (LH_STREAM) is not modelled.
#include <cerrno>
#include <cstring>
#include <string>

#include "kernel_model/devsw.h"
#include "kernel_model/kmem.h"
#include "kernel_model/illumos/dev_impl.h"
#include "kernel_model/proc.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/buf.h>
#include <sys/conf.h>
#include <sys/ddi.h>
#include <sys/file.h>
#include <sys/mkdev.h>
#include <sys/open.h>
#include <sys/param.h>
#include <sys/sunddi.h>
#include <sys/sunldi.h>
#include <sys/uio.h>
}

namespace {

using ks::km::DevNode;
using ks::km::World;
using ks::km::illumos::IlDriver;

constexpr const char* kIdentTag = "ldi_ident";
constexpr const char* kHandleTag = "ldi_handle";

// Who opens: the module's name (driver_lyr.c's li_modname), its dev or dip.
struct Ident {
  char modname[32];
  uint64_t dev;
  dev_info_t* dip;
};

// An open of a target through the device switch.
struct Handle {
  DevNode* node;
  uint64_t dev;  // after a clone open, the minor the target picked
  IlDriver* target;
  char modname[32];  // the opener's, for reports
};

World& W() { return *World::current(); }

const ks::km::Cred& C(const cred_t* cr) { return *reinterpret_cast<const ks::km::Cred*>(cr); }

Ident* ident_alloc(const char* name, uint64_t dev, dev_info_t* dip) {
  auto* li = static_cast<Ident*>(ks::km::kmem_alloc(W(), sizeof(Ident), ks::km::kKmemSleep, kIdentTag));
  std::memset(li, 0, sizeof *li);
  std::strncpy(li->modname, name, sizeof li->modname - 1);
  li->dev = dev;
  li->dip = dip;
  return li;
}

// A pointer a driver hands back as an identifier or handle: the start of a
// live buffer of that tag, else the misuse is reported at the call.
template <class T>
T* checked(const void* p, const char* tag, const char* op) {
  World& w = W();
  const ks::km::KmemHdr* h = ks::km::kmem_buffer(w, p);
  if (!h || std::strcmp(h->tag, tag) != 0)
    w.fail(ks::sim::FailureKind::kPanic,
           std::string(op) + ": the argument is not a " + tag + " the LDI handed out",
           std::string("ldi:bad_") + tag + ":" + op);
  if (h->freed)
    w.fail(ks::sim::FailureKind::kMemory,
           std::string(op) + " of a " + tag + " already released (by thread " +
               w.thread_name(h->free_tid) + " at step " + std::to_string(h->free_step) +
               "): a use after free",
           std::string("use_after_free:") + tag + ":" + op);
  return static_cast<T*>(const_cast<void*>(p));
}

Handle* H(ldi_handle_t lh, const char* op) { return checked<Handle>(lh, kHandleTag, op); }

const char* driver_name_of_major(World& w, major_t major) {
  for (auto& r : ks::km::devsw(w).driver_records)
    if (auto* d = dynamic_cast<IlDriver*>(r.get()); d && d->major == major && d->desc)
      return d->desc->name;
  return nullptr;
}

// ldi_open_by_vp: the node must be an illumos driver's character or block
// device (a STREAMS device would be LH_STREAM, not modelled); the open is
// the device switch's, with FKLYR.
int open_node(World& w, DevNode& n, uint64_t* dev, int flag, cred_t* cr, ldi_handle_t* lhp,
              Ident* li) {
  IlDriver* target = ks::km::illumos::cb_driver_of(n.ops);
  if (!target) {
    if (n.ops.putmsg) ks_not_modelled("ldi_open of a STREAMS device (LH_STREAM)");
    return ENXIO;  // no cb_ops: driver_lyr.c refuses it with ENXIO
  }
  int rc = ks::km::devsw_open(w, n, dev, flag | FKLYR, C(cr));
  if (rc != 0) return rc;
  auto* h = static_cast<Handle*>(ks::km::kmem_alloc(w, sizeof(Handle), ks::km::kKmemSleep, kHandleTag));
  h->node = &n;
  h->dev = *dev;
  h->target = target;
  std::memcpy(h->modname, li->modname, sizeof h->modname);
  *lhp = reinterpret_cast<ldi_handle_t>(h);
  return 0;
}

struct cb_ops* CB(Handle* h) {
  return h->target && h->target->ops ? h->target->ops->devo_cb_ops : nullptr;
}

// i_ldi_prop_op: the target's prop_op(9E) first, unless it has none.
int driver_prop_op(Handle* h, dev_t dev, ddi_prop_op_t op, int flags, char* name, caddr_t valuep,
                   int* lengthp) {
  struct cb_ops* cb = CB(h);
  const void* fn = cb ? reinterpret_cast<const void*>(cb->cb_prop_op) : nullptr;
  if (!fn || fn == reinterpret_cast<const void*>(&nodev) ||
      fn == reinterpret_cast<const void*>(&nulldev))
    return DDI_PROP_NOT_FOUND;
  return cb->cb_prop_op(dev, &h->target->dip, op, flags, name, valuep, lengthp);
}

// The dev a property lookup asks for: LDI_DEV_T_ANY asks for any.
dev_t prop_dev(Handle* h, uint_t* flags) {
  if (*flags & LDI_DEV_T_ANY) {
    *flags &= ~static_cast<uint_t>(LDI_DEV_T_ANY);
    return DDI_DEV_T_ANY;
  }
  return static_cast<dev_t>(h->dev);
}

bool bad_name(const char* name) { return !name || !*name; }

}  // namespace

extern "C" {

// Identifiers (driver_lyr.c): EINVAL for a NULL out pointer or a major no
// driver has.
int ldi_ident_from_dev(dev_t dev, ldi_ident_t* lip) {
  if (!lip) return EINVAL;
  const char* name = driver_name_of_major(W(), getmajor(dev));
  if (!name) return EINVAL;
  *lip = reinterpret_cast<ldi_ident_t>(ident_alloc(name, static_cast<uint64_t>(dev), nullptr));
  return 0;
}

int ldi_ident_from_dip(dev_info_t* dip, ldi_ident_t* lip) {
  if (!dip || !lip || !dip->drv || !dip->drv->desc) return EINVAL;
  *lip = reinterpret_cast<ldi_ident_t>(
      ident_alloc(dip->drv->desc->name, static_cast<uint64_t>(DDI_DEV_T_NONE), dip));
  return 0;
}

int ldi_ident_from_major(major_t major, ldi_ident_t* lip) {
  if (!lip) return EINVAL;
  const char* name = driver_name_of_major(W(), major);
  if (!name) return EINVAL;
  *lip = reinterpret_cast<ldi_ident_t>(
      ident_alloc(name, static_cast<uint64_t>(DDI_DEV_T_NONE), nullptr));
  return 0;
}

void ldi_ident_release(ldi_ident_t li) {
  if (!li) return;
  Ident* p = checked<Ident>(li, kIdentTag, "ldi_ident_release");
  ks::km::kmem_free(W(), p, sizeof(Ident), "ldi_ident_release");
}

// ldi_open_by_dev: EINVAL for a missing argument or an otyp other than
// OTYP_CHR/OTYP_BLK; ENXIO when no node of that dev and type exists.
int ldi_open_by_dev(dev_t* devp, int otyp, int flag, cred_t* cr, ldi_handle_t* lhp,
                    ldi_ident_t li) {
  if (!devp || (otyp != OTYP_CHR && otyp != OTYP_BLK) || !cr || !lhp || !li) return EINVAL;
  Ident* id = checked<Ident>(li, kIdentTag, "ldi_open_by_dev");
  World& w = W();
  const bool block = otyp == OTYP_BLK;
  DevNode* node = nullptr;
  for (auto& n : ks::km::devsw(w).nodes)
    if (!n->removed && n->block == block && n->major == getmajor(*devp) &&
        n->minor == getminor(*devp)) {
      node = n.get();
      break;
    }
  if (!node) return ENXIO;
  uint64_t dev = static_cast<uint64_t>(*devp);
  int rc = open_node(w, *node, &dev, flag, cr, lhp, id);
  if (rc == 0) *devp = static_cast<dev_t>(dev);
  return rc;
}

// ldi_open_by_name: EINVAL unless the path is absolute; a name with no
// node is ENOENT (the lookup's), a node its driver removed ENXIO.
int ldi_open_by_name(char* pathname, int flag, cred_t* cr, ldi_handle_t* lhp, ldi_ident_t li) {
  if (!pathname || *pathname != '/' || !cr || !lhp || !li) return EINVAL;
  Ident* id = checked<Ident>(li, kIdentTag, "ldi_open_by_name");
  World& w = W();
  DevNode* node = ks::km::devsw_find(w, pathname);
  if (!node) return ENOENT;
  if (node->removed) return node->ops.removed_errno;
  uint64_t dev = ks::km::makedev64(node->major, node->minor);
  return open_node(w, *node, &dev, flag, cr, lhp, id);
}

// ldi_close: the layered close (FKLYR) of the handle's open, then the
// handle is freed whatever the close returned.
int ldi_close(ldi_handle_t lh, int flag, cred_t* cr) {
  if (!lh) return EINVAL;
  Handle* h = H(lh, "ldi_close");
  World& w = W();
  int rc = ks::km::devsw_close(w, *h->node, h->dev, flag | FKLYR, C(cr ? cr : kcred));
  ks::km::kmem_free(w, h, sizeof(Handle), "ldi_close");
  return rc;
}

// cdev_read/cdev_write with the caller's uio (UIO_SYSSPACE for a kernel
// buffer); a device without the entry point gets nodev's ENXIO.
int ldi_read(ldi_handle_t lh, struct uio* uiop, cred_t* cr) {
  if (!lh) return EINVAL;
  Handle* h = H(lh, "ldi_read");
  struct cb_ops* cb = CB(h);
  if (!cb || !cb->cb_read) return ENXIO;
  return cb->cb_read(static_cast<dev_t>(h->dev), uiop, cr);
}

int ldi_write(ldi_handle_t lh, struct uio* uiop, cred_t* cr) {
  if (!lh) return EINVAL;
  Handle* h = H(lh, "ldi_write");
  struct cb_ops* cb = CB(h);
  if (!cb || !cb->cb_write) return ENXIO;
  return cb->cb_write(static_cast<dev_t>(h->dev), uiop, cr);
}

// cdev_ioctl. With FKIOCTL the argument is kernel memory and the data
// model the kernel's own: driver_lyr.c replaces the caller's FMODELS bits
// with FNATIVE. Without it the argument is a user address of the calling
// process, passed down as the caller had it.
int ldi_ioctl(ldi_handle_t lh, int cmd, intptr_t arg, int mode, cred_t* cr, int* rvalp) {
  if (!lh) return EINVAL;
  Handle* h = H(lh, "ldi_ioctl");
  if (mode & FKIOCTL) mode = (mode & ~FMODELS) | FNATIVE | FKIOCTL;
  struct cb_ops* cb = CB(h);
  if (!cb || !cb->cb_ioctl) return ENXIO;
  return cb->cb_ioctl(static_cast<dev_t>(h->dev), cmd, arg, mode, cr, rvalp);
}

// bdev_strategy: the buf is given the handle's dev.
int ldi_strategy(ldi_handle_t lh, struct buf* bp) {
  if (!lh || !bp) return EINVAL;
  Handle* h = H(lh, "ldi_strategy");
  struct cb_ops* cb = CB(h);
  bp->b_edev = static_cast<dev_t>(h->dev);
  bp->b_dev = static_cast<dev_t>(h->dev);
  if (!cb || !cb->cb_strategy) return ENXIO;
  return cb->cb_strategy(bp);
}

// The other cb_ops entry points, called as cdev_*/bdev_* call them. A
// layered chpoll hands the target's pollhead back to its own caller, whose
// poll(2) registers on it (ks::km::poll_record after the upper chpoll).
int ldi_dump(ldi_handle_t lh, caddr_t addr, daddr_t blkno, int nblk) {
  if (!lh) return EINVAL;
  Handle* h = H(lh, "ldi_dump");
  struct cb_ops* cb = CB(h);
  if (!cb || !cb->cb_dump) return ENXIO;
  return cb->cb_dump(static_cast<dev_t>(h->dev), addr, blkno, nblk);
}

int ldi_devmap(ldi_handle_t lh, devmap_cookie_t dhp, offset_t off, size_t len, size_t* maplen,
               uint_t model) {
  if (!lh) return EINVAL;
  Handle* h = H(lh, "ldi_devmap");
  struct cb_ops* cb = CB(h);
  if (!cb || !cb->cb_devmap) return ENXIO;
  return cb->cb_devmap(static_cast<dev_t>(h->dev), dhp, off, len, maplen, model);
}

// Asynchronous I/O only for a device with a strategy routine and the entry
// point (driver_lyr.c: ENOTSUP otherwise).
static int aio(ldi_handle_t lh, struct aio_req* req, cred_t* cr, bool write, const char* op) {
  if (!lh) return EINVAL;
  Handle* h = H(lh, op);
  struct cb_ops* cb = CB(h);
  const void* strat = cb ? reinterpret_cast<const void*>(cb->cb_strategy) : nullptr;
  if (!strat || strat == reinterpret_cast<const void*>(&nodev)) return ENOTSUP;
  auto fn = write ? cb->cb_awrite : cb->cb_aread;
  if (!fn) return ENOTSUP;
  return fn(static_cast<dev_t>(h->dev), req, cr);
}
int ldi_aread(ldi_handle_t lh, struct aio_req* req, cred_t* cr) {
  return aio(lh, req, cr, false, "ldi_aread");
}
int ldi_awrite(ldi_handle_t lh, struct aio_req* req, cred_t* cr) {
  return aio(lh, req, cr, true, "ldi_awrite");
}

int ldi_poll(ldi_handle_t lh, short events, int anyyet, short* reventsp, struct pollhead** phpp) {
  if (!lh) return EINVAL;
  Handle* h = H(lh, "ldi_poll");
  struct cb_ops* cb = CB(h);
  if (!cb || !cb->cb_chpoll) return ENXIO;
  return cb->cb_chpoll(static_cast<dev_t>(h->dev), events, anyyet, reventsp, phpp);
}

// ddi_lyr_get_minor_name: the target's node of that dev and type, its name
// in kmem (the caller's kmem_free); ENOTSUP when the driver has none.
int ldi_get_minor_name(ldi_handle_t lh, char** minor_name) {
  if (!lh || !minor_name) return EINVAL;
  Handle* h = H(lh, "ldi_get_minor_name");
  for (auto& [name, path] : h->target->dip.nodes) {
    DevNode* n = ks::km::devsw_find(W(), path);
    if (n && n->major == ks::km::major64(h->dev) && n->minor == ks::km::minor64(h->dev) &&
        n->block == h->node->block) {
      auto* s = static_cast<char*>(
          ks::km::kmem_alloc(W(), name.size() + 1, ks::km::kKmemSleep, "ldi_get_minor_name"));
      std::memcpy(s, name.c_str(), name.size() + 1);
      *minor_name = s;
      return 0;
    }
  }
  return ENOTSUP;
}

int ldi_get_dev(ldi_handle_t lh, dev_t* devp) {
  if (!lh || !devp) return EINVAL;
  *devp = static_cast<dev_t>(H(lh, "ldi_get_dev")->dev);
  return 0;
}

int ldi_get_otyp(ldi_handle_t lh, int* otyp) {
  if (!lh || !otyp) return EINVAL;
  *otyp = H(lh, "ldi_get_otyp")->node->block ? OTYP_BLK : OTYP_CHR;
  return 0;
}

// Properties: the target's prop_op(9E) may answer first; else its
// properties (ddi_prop_*) on its instance.
int ldi_prop_exists(ldi_handle_t lh, uint_t flags, char* name) {
  if (!lh || bad_name(name)) return 0;
  Handle* h = H(lh, "ldi_prop_exists");
  dev_t dev = prop_dev(h, &flags);
  int len = 0;
  if (driver_prop_op(h, dev, PROP_LEN, static_cast<int>(flags), name, nullptr, &len) ==
      DDI_PROP_SUCCESS)
    return 1;
  return ddi_prop_exists(dev, &h->target->dip, flags, name);
}

int ldi_prop_get_int(ldi_handle_t lh, uint_t flags, char* name, int defvalue) {
  if (!lh || bad_name(name)) return defvalue;
  Handle* h = H(lh, "ldi_prop_get_int");
  dev_t dev = prop_dev(h, &flags);
  int v = 0, len = sizeof v;
  if (driver_prop_op(h, dev, PROP_LEN_AND_VAL_BUF, static_cast<int>(flags), name,
                     reinterpret_cast<caddr_t>(&v), &len) == DDI_PROP_SUCCESS &&
      len == sizeof v)
    return v;
  return ddi_prop_get_int(dev, &h->target->dip, flags, name, defvalue);
}

int64_t ldi_prop_get_int64(ldi_handle_t lh, uint_t flags, char* name, int64_t defvalue) {
  if (!lh || bad_name(name)) return defvalue;
  Handle* h = H(lh, "ldi_prop_get_int64");
  dev_t dev = prop_dev(h, &flags);
  int64_t v = 0;
  int len = sizeof v;
  if (driver_prop_op(h, dev, PROP_LEN_AND_VAL_BUF, static_cast<int>(flags), name,
                     reinterpret_cast<caddr_t>(&v), &len) == DDI_PROP_SUCCESS &&
      len == sizeof v)
    return v;
  return ddi_prop_get_int64(dev, &h->target->dip, flags, name, defvalue);
}

// driver_lyr.c's order: a block device's Nblocks (64-bit) or nblocks
// times its blksize (or device-blksize, DEV_BSIZE by default), then Size
// (64-bit) or size in bytes; DDI_FAILURE when none is there.
int ldi_get_size(ldi_handle_t lh, uint64_t* sizep) {
  if (!lh || !sizep) return DDI_FAILURE;
  Handle* h = H(lh, "ldi_get_size");
  const uint_t fl = DDI_PROP_DONTPASS | DDI_PROP_NOTPROM;
  char nb64[] = "Nblocks", nb32[] = "nblocks", bs[] = "blksize", dbs[] = "device-blksize",
       sz64[] = "Size", sz32[] = "size";
  if (h->node->block) {
    bool big = ldi_prop_exists(lh, fl, nb64);
    if (big || ldi_prop_exists(lh, fl, nb32)) {
      uint64_t n = big ? static_cast<uint64_t>(ldi_prop_get_int64(lh, fl, nb64, 0))
                       : static_cast<uint32_t>(ldi_prop_get_int(lh, fl, nb32, 0));
      uint_t blksize = static_cast<uint_t>(ldi_prop_get_int(lh, fl, bs, DEV_BSIZE));
      if (blksize == DEV_BSIZE)
        blksize = static_cast<uint_t>(ldi_prop_get_int(lh, LDI_DEV_T_ANY | fl, dbs, DEV_BSIZE));
      if (blksize == 0 || (blksize & (blksize - 1)) != 0)
        W().fail(ks::sim::FailureKind::kPanic,
                 "ldi_get_size: the device's blksize " + std::to_string(blksize) +
                     " is not a power of two (driver_lyr.c asserts it)",
                 "ldi:blksize_not_pow2");
      int shift = __builtin_ctz(blksize);
      if (n >= (UINT64_MAX >> shift)) return DDI_FAILURE;
      *sizep = n << shift;
      return DDI_SUCCESS;
    }
  }
  if (ldi_prop_exists(lh, fl, sz64)) {
    *sizep = static_cast<uint64_t>(ldi_prop_get_int64(lh, fl, sz64, 0));
    return DDI_SUCCESS;
  }
  if (ldi_prop_exists(lh, fl, sz32)) {
    *sizep = static_cast<uint32_t>(ldi_prop_get_int(lh, fl, sz32, 0));
    return DDI_SUCCESS;
  }
  return DDI_FAILURE;
}

}  // extern "C"
