// A resource manager's clocks and sleeps on the virtual clock (qnx/time.h,
// sys/time.h, unistd.h): the host's would make no two runs alike. Sleeps
// are the kernel model's delay, which a signal does not cut short here.
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

extern "C" {
#include <kernsim/abi.h>
}

namespace {
constexpr uint64_t kNs = 1000000000;

bool clock_ns(clockid_t clk, uint64_t* ns) {
  switch (clk) {
    case CLOCK_REALTIME: *ns = KS_BOOT_TIME * kNs + ks_now_ns(); return true;
    case CLOCK_MONOTONIC: *ns = ks_now_ns(); return true;
    default: return false;
  }
}
}  // namespace

extern "C" {

int ks_qnx_clock_gettime(clockid_t clk, struct timespec* ts) {
  uint64_t ns;
  if (!clock_ns(clk, &ns)) {
    errno = EINVAL;
    return -1;
  }
  if (!ts) {
    errno = EFAULT;
    return -1;
  }
  ts->tv_sec = static_cast<time_t>(ns / kNs);
  ts->tv_nsec = static_cast<long>(ns % kNs);
  return 0;
}

// The model's clock has no tick: a nanosecond.
int ks_qnx_clock_getres(clockid_t clk, struct timespec* res) {
  uint64_t ns;
  if (!clock_ns(clk, &ns)) {
    errno = EINVAL;
    return -1;
  }
  if (res) {
    res->tv_sec = 0;
    res->tv_nsec = 1;
  }
  return 0;
}

time_t ks_qnx_time(time_t* t) {
  uint64_t ns;
  clock_ns(CLOCK_REALTIME, &ns);
  time_t now = static_cast<time_t>(ns / kNs);
  if (t) *t = now;
  return now;
}

int ks_qnx_gettimeofday(struct timeval* tv, void*) {
  if (tv) {
    uint64_t ns;
    clock_ns(CLOCK_REALTIME, &ns);
    tv->tv_sec = static_cast<time_t>(ns / kNs);
    tv->tv_usec = static_cast<suseconds_t>(ns % kNs / 1000);
  }
  return 0;
}

int ks_qnx_nanosleep(const struct timespec* req, struct timespec* rem) {
  if (!req || req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= static_cast<long>(kNs)) {
    errno = EINVAL;
    return -1;
  }
  ks_delay_ns(static_cast<uint64_t>(req->tv_sec) * kNs + static_cast<uint64_t>(req->tv_nsec));
  if (rem) {
    rem->tv_sec = 0;
    rem->tv_nsec = 0;
  }
  return 0;
}

unsigned int ks_qnx_sleep(unsigned int sec) {
  ks_delay_ns(uint64_t{sec} * kNs);
  return 0;
}

int ks_qnx_usleep(useconds_t usec) {
  ks_delay_ns(uint64_t{usec} * 1000);
  return 0;
}

}  // extern "C"
