// The personality's record of a FreeBSD cdev, shared by make_dev
// (cdev.cc) and clone(9) (clone.cc).
#ifndef KS_KERNEL_MODEL_FREEBSD_CDEV_RECORD_H
#define KS_KERNEL_MODEL_FREEBSD_CDEV_RECORD_H

#include <string>

#include "kernel_model/world.h"

extern "C" {
#include <sys/conf.h>
}

namespace ks::km {
struct DevNode;
}

// struct cdev is its first member, so the driver's pointer stays valid, if
// dead, for the World's lifetime. A record clone_create made has no node
// (no name) until make_dev names it.
struct ks_fb_cdev {
  struct cdev cdev;
  ks::km::World* w = nullptr;
  std::string path;
  ks::km::DevNode* node = nullptr;  // counts the threads inside its methods
  bool destroyed = false;
  struct clonedevs* clones = nullptr;  // the clone_create list it is on
  // An alias (make_dev_alias, SI_ALIAS) names this cdev, its parent; its
  // node is a link to the parent's. destroy_dev of the parent destroys it.
  ks_fb_cdev* parent = nullptr;
  // destroy_dev_sched_cb: scheduled (CDP_SCHED_DTR), and what to call after.
  bool sched_dtr = false;
  void (*dtr_cb)(void*) = nullptr;
  void* dtr_cb_arg = nullptr;
};

#endif
