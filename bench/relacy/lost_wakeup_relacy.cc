// The two-thread lost wakeup of bench/lost_wakeup/lost_wakeup.c (the
// correct variant: the waiter tests the flag under the lock before each
// sleep) written for Relacy, the anchor issue 14 names: "at least 3x
// Relacy on the same test in the same run". bench/bench_relacy.py runs it
// beside `bench_core lost_wakeup`, interleaved, on the same pinned core.
//
// Like for like with kernsim's C path:
// - the random scheduler, every execution run to completion;
// - no spurious wakeups (Relacy's std condition_variable allows up to 10
//   under its random scheduler; the condvar here is made with them off,
//   as kernsim's lost-wakeup figure is measured);
// - the flag a plain int: kernsim's C path does not race-check it either
//   (`var` selects Relacy's checked rl::var<int>, reported as well);
// - the mutex and condvar made anew in every execution, as lw_init does.
#include <relacy/relacy.hpp>

#include <sched.h>

#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace {

struct lw_cv_tag;
struct quiet_condvar : rl::condvar<lw_cv_tag> {
  quiet_condvar() { init(false, $); }  // false: no spurious wakeups
  ~quiet_condvar() { deinit($); }
};

template <typename Flag>
struct flag_ops;
template <>
struct flag_ops<int> {
  static int get(int& f) { return f; }
  static void set(int& f, int v) { f = v; }
};
template <>
struct flag_ops<rl::var<int>> {
  static int get(rl::var<int>& f) { return f($); }
  static void set(rl::var<int>& f, int v) { f($) = v; }
};

template <typename Flag>
struct lost_wakeup : rl::test_suite<lost_wakeup<Flag>, 2> {
  rl::mutex lock;
  quiet_condvar cv;
  Flag done;
  void before() { flag_ops<Flag>::set(done, 0); }
  void thread(unsigned index) {
    lock.lock($);
    if (index == 0) {
      while (!flag_ops<Flag>::get(done)) cv.wait(lock, false, $);
    } else {
      flag_ops<Flag>::set(done, 1);
      cv.notify_one($);
    }
    lock.unlock($);
  }
};

// This thread's CPU time, as bench_core times: a shared machine's load
// then moves both alike.
double cpu_s() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

template <typename Test>
double executions_per_s(unsigned long n, bool& ok) {
  rl::test_params p;
  p.iteration_count = n;
  std::ostringstream quiet;  // Relacy's progress and report text
  p.output_stream = &quiet;
  p.progress_stream = &quiet;
  p.search_type = rl::random_scheduler_type;
  const double t0 = cpu_s();
  ok = rl::simulate<Test>(p);
  return double(n) / (cpu_s() - t0);
}

}  // namespace

int main(int argc, char** argv) {
  // The core bench_core pins itself to, so the two share a core's caches
  // and its neighbours' load alike.
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(0, &one);
  sched_setaffinity(0, sizeof one, &one);
  const bool var = argc > 1 && std::strcmp(argv[1], "var") == 0;
  const unsigned long n = 2'000'000;
  bool ok = false;
  double r = var ? executions_per_s<lost_wakeup<rl::var<int>>>(n, ok)
                 : executions_per_s<lost_wakeup<int>>(n, ok);
  if (!ok) {
    std::fprintf(stderr, "relacy reported a failure on the correct lost wakeup\n");
    return 1;
  }
  std::printf("{\"relacy_lost_wakeup_execs_per_s\": %.0f, \"flag\": \"%s\", \"executions\": %lu}\n",
              r, var ? "rl::var<int>" : "int", n);
  return 0;
}
