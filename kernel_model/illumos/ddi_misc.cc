// Small DDI services (sys/sunddi.h, sys/ddi.h, sys/cmn_err.h): device
// names and the console announcement, drv_getparm and the clock, the
// caller's context, page and bit arithmetic, the cmn_err variants,
// pollwakeup. Translations onto the neutral calls; nothing here keeps state.
#include <cstdarg>
#include <cstdio>
#include <string>

#include "kernel_model/illumos/dev_impl.h"
#include "kernel_model/kernel_printf.h"

#include "kernel_model/poll.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/cmn_err.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/time.h>
}

#undef min
#undef max

namespace {

void vlog(int level, const char* prefix, const char* fmt, va_list ap) {
  char buf[1024];
  ks::km::illumos_vsnprintf(buf, sizeof buf, fmt, ap);  // a null %s as illumos prints it
  if (level == CE_PANIC) ks_panic("%s%s", prefix, buf);
  if (level != CE_IGNORE) ks_log(level, "%s%s", prefix, buf);
}

int ffs64(unsigned long long v) { return v ? __builtin_ctzll(v) + 1 : 0; }
int fls64(unsigned long long v) { return v ? 64 - __builtin_clzll(v) : 0; }

}  // namespace

extern "C" {

void ddi_report_dev(dev_info_t* dip) {
  // illumos logs "?<driver><instance> is <path>" (the '?': log, not console).
  const char* n = ddi_driver_name(dip);
  int i = ddi_get_instance(dip);
  ks_log(CE_CONT, "%s%d is /pseudo/%s@%d", n, i, n, i);
}

char* ddi_pathname(dev_info_t* dip, char* path) {
  if (dip && !dip->drv)  // a nexus: "" for the root, "/pseudo"
    std::snprintf(path, 1024, "%s", dip == ddi_root_node() ? "" : "/pseudo");
  else
    std::snprintf(path, 1024, "/pseudo/%s@%d", ddi_driver_name(dip), ddi_get_instance(dip));
  return path;
}
int ddi_dev_is_needed(dev_info_t*, int, int) { return DDI_SUCCESS; }

char* ddi_node_name(dev_info_t* dip) {
  return const_cast<char*>(dip && dip->nexus_node ? dip->nexus_node : ddi_driver_name(dip));
}
char* ddi_binding_name(dev_info_t* dip) { return const_cast<char*>(ddi_driver_name(dip)); }
char* ddi_get_name(dev_info_t* dip) { return const_cast<char*>(ddi_driver_name(dip)); }

int ddi_no_info(dev_info_t*, ddi_info_cmd_t, void*, void**) { return DDI_FAILURE; }
ddi_devstate_t ddi_get_devstate(dev_info_t*) { return DDI_DEVSTATE_UP; }
int ddi_in_panic(void) { return 0; }
int ddi_can_receive_sig(void) { return ks_curproc_pid() != 0; }
cred_t* ddi_get_cred(void) { return ks_il_cred(); }
kt_did_t ddi_get_kt_did(void) { return ks_thread_id(); }
time_t ddi_get_time(void) {
  return static_cast<time_t>(KS_IL_BOOT_TIME + ks_now_ns() / 1000000000ULL);
}
time_t gethrestime_sec(void) { return ddi_get_time(); }
void gethrestime(timestruc_t* tp) {
  tp->tv_sec = ddi_get_time();
  tp->tv_nsec = static_cast<long>(ks_now_ns() % 1000000000ULL);
}

int drv_getparm(uint_t parm, void* valuep) {
  switch (parm) {
    case LBOLT: *static_cast<clock_t*>(valuep) = ddi_get_lbolt(); return 0;
    case TIME: *static_cast<time_t*>(valuep) = ddi_get_time(); return 0;
    case PPID: *static_cast<pid_t*>(valuep) = static_cast<pid_t>(ks_curproc_pid()); return 0;
    case UCRED: *static_cast<cred_t**>(valuep) = ks_il_cred(); return 0;
    default: return -1;
  }
}

void drv_usecwait(clock_t) { ks_preempt(); }

major_t getemajor(dev_t d) { return getmajor(d); }
minor_t geteminor(dev_t d) { return getminor(d); }

unsigned long btop(unsigned long b) { return b >> PAGESHIFT; }
unsigned long btopr(unsigned long b) { return (b + PAGEOFFSET) >> PAGESHIFT; }
unsigned long ptob(unsigned long p) { return p << PAGESHIFT; }
unsigned long ddi_btop(dev_info_t*, unsigned long b) { return btop(b); }
unsigned long ddi_btopr(dev_info_t*, unsigned long b) { return btopr(b); }
unsigned long ddi_ptob(dev_info_t*, unsigned long p) { return ptob(p); }

int ddi_ffs(long v) { return ffs64(static_cast<unsigned long>(v)); }
int ddi_fls(long v) { return fls64(static_cast<unsigned long>(v)); }
int ddi_ffsll(long long v) { return ffs64(static_cast<unsigned long long>(v)); }
int ddi_flsll(long long v) { return fls64(static_cast<unsigned long long>(v)); }

void vcmn_err(int level, const char* fmt, va_list ap) { vlog(level, "", fmt, ap); }
void zcmn_err(zoneid_t, int level, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vlog(level, "", fmt, ap);
  va_end(ap);
}
void vzcmn_err(zoneid_t, int level, const char* fmt, va_list ap) { vlog(level, "", fmt, ap); }
void dev_err(dev_info_t* dip, int level, const char* fmt, ...) {
  std::string prefix = std::string(ddi_driver_name(dip)) + std::to_string(ddi_get_instance(dip)) + ": ";
  va_list ap;
  va_start(ap, fmt);
  vlog(level, prefix.c_str(), fmt, ap);
  va_end(ap);
}
void vpanic(const char* fmt, va_list ap) {
  vlog(CE_PANIC, "", fmt, ap);
  __builtin_unreachable();
}

// poll(2)'s wakeups onto the kernel model's poll heads (kernel_model/poll.h;
// illumos's rules are set on the node's DevOps, ddi_dev.cc): pollwakeup
// wakes the pollers that asked for one of `events`, or all of them for
// POLLHUP or POLLERR, and leaves them on the pollhead (cached);
// pollhead_clean takes them all off.
void pollwakeup(struct pollhead* php, short events) {
  ks::km::poll_wakeup(*ks::km::World::current(), php, events, true);
}
void pollhead_clean(struct pollhead* php) {
  ks::km::poll_head_clean(*ks::km::World::current(), php);
}

}  // extern "C"
