// destroy_dev_sched(9) and destroy_dev_drain, as kern_conf.c does them
// (read in freebsd-src): a driver that cannot call destroy_dev where it
// is (its own d_close: destroy_dev waits for the threads inside the
// cdev's methods, itself included) schedules it. The cdev takes a
// reference and joins a list; a task on taskqueue_swi_giant destroys
// each in order, calls its callback, and drops the reference. A cdev
// already scheduled is not scheduled again (0). destroy_dev_drain waits
// for the scheduled destructions of a cdevsw's cdevs, after which a cdev
// of it still live would keep FreeBSD's loop waiting for ever.
#include "kernel_model/freebsd/cdev_record.h"
#include "kernel_model/freebsd/state.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/conf.h>
#include <sys/systm.h>
#include <sys/taskqueue.h>
}

#undef printf
#undef panic

namespace {

using ks::km::World;

ks::km::freebsd::FbState& fb() { return ks::km::freebsd::state(*World::current()); }

static_assert(sizeof(struct task) <= sizeof(ks::km::freebsd::FbState::dtr_task));
struct task* dtr_task() { return reinterpret_cast<struct task*>(fb().dtr_task); }

// dev_dtr_task's function: every cdev scheduled so far, oldest first.
void destroy_scheduled(void*, int) {
  auto& s = fb();
  while (!s.ddtr.empty()) {
    ks_fb_cdev* c = s.ddtr.front();
    s.ddtr.erase(s.ddtr.begin());
    destroy_dev(&c->cdev);
    if (c->dtr_cb) c->dtr_cb(c->dtr_cb_arg);
    dev_rel(&c->cdev);
  }
}

}  // namespace

extern "C" {

int destroy_dev_sched_cb(struct cdev* dev, void (*cb)(void*), void* arg) {
  if (!dev || !dev->si_ks || dev->si_ks->destroyed)
    ks_panic("destroy_dev_sched of %s: not a live cdev", dev ? dev->si_name : "NULL");
  ks_fb_cdev* c = dev->si_ks;
  if (c->sched_dtr) return 0;
  dev_ref(dev);
  c->sched_dtr = true;
  c->dtr_cb = cb;
  c->dtr_cb_arg = arg;
  auto& s = fb();
  s.ddtr.push_back(c);
  if (!s.dtr_task_made) {
    TASK_INIT(dtr_task(), 0, destroy_scheduled, nullptr);
    s.dtr_task_made = true;
  }
  taskqueue_enqueue(taskqueue_swi_giant, dtr_task());
  return 1;
}

int destroy_dev_sched(struct cdev* dev) { return destroy_dev_sched_cb(dev, nullptr, nullptr); }

void destroy_dev_drain(struct cdevsw* csw) {
  auto scheduled = [csw] {
    for (ks_fb_cdev* c : fb().ddtr)
      if (c->cdev.si_devsw == csw) return true;
    return false;
  };
  while (scheduled()) taskqueue_drain(taskqueue_swi_giant, dtr_task());
  for (ks_fb_cdev& o : fb().cdevs)
    if (!o.destroyed && o.cdev.si_devsw == csw)
      ks_panic("destroy_dev_drain(%s): cdev %s (unit %d) was never destroyed: it would wait "
               "forever",
               csw->d_name ? csw->d_name : "?", o.node ? o.cdev.si_name : "(unnamed)",
               o.cdev.si_drv0);
}

}  // extern "C"
