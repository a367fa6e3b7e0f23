// The core figures, as JSON on stdout (one core, pinned):
//   raw_switch_ns            one Boost.Context jump_fcontext, one way
//   point_ns                 a scheduling point through the full scheduler
//                            (strategy asked, event hashed), no switch
//   point_switch_ns          a scheduling point that switches thread
//   point_switch_ratio       point_switch_ns / raw_switch_ns
//   lost_wakeup_execs_per_s  the two-thread lost-wakeup test in C on the
//                            illumos personality, World set-up, hash and
//                            teardown checks included (random, and PCT d=2)
//   pct_vs_random            executions to the first find of a lost wakeup
//                            whose window follows 16 unrelated steps
//   sample_program_execs_per_s  the sample scenario through the Program path
//   lost_wakeup_module       the lost wakeup (random) with the test driver
//                            loaded as a module, its data restored before
//                            every World, against the same code linked in:
//                            interleaved rounds, medians and their ratio
//   module_restore_ns_per_kib  restoring a shipped module's data, per KiB
//   mallocs_per_execution    heap allocations one lost-wakeup execution
//                            makes after warm-up, its World reset (0), and
//                            with a new World per execution
// `bench_core reset` prints issue 14's figures: the lost wakeup in a reset
// World against new Worlds (and in raw switches per execution), the fixed
// cost per execution (0/10/100-step fit), cost per step from 2 to 16 threads
// (those two as medians of three interleaved rounds).
// `bench_core decompose` takes one lost-wakeup execution (reset World,
// random) apart: its points, decisions, events, blocks, preemptions and
// context switches (counted from a kept trace), and the time of its parts
// (DESIGN.md, "One lost-wakeup execution, taken apart").
// Host CPU time is read here, outside any World, only to report rates.
#include <sched.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "drivers/sample/sample_io.h"
#include "kernel_model/module.h"
#include "kernel_model/program.h"
#include "kernel_model/world.h"
#include "runner/explore.h"
#include "sim/fault_guard.h"
#include "sim/strategies/pct.h"
#include "sim/strategies/random.h"
#include "bench/lost_wakeup/lw_run.h"

// Every heap allocation of this process, counted: glibc's malloc is the
// one underneath (operator new comes here too).
extern "C" void* __libc_malloc(size_t);
static uint64_t g_mallocs = 0;
extern "C" void* malloc(size_t n) {
  g_mallocs++;
  return __libc_malloc(n);
}

using namespace ks;
namespace bctx = boost::context::detail;
// This thread's CPU time, not wall time: the machine is shared, and wall
// time measured the other work's load more than kernsim (a lost-wakeup
// rate moved 2x between runs minutes apart).
struct Clock {
  using time_point = std::chrono::nanoseconds;
  static time_point now() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::chrono::nanoseconds(int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec);
  }
};

namespace {

double secs(Clock::time_point a) { return std::chrono::duration<double>(Clock::now() - a).count(); }

// ---- raw switch: two contexts ping-pong ----
void pong(bctx::transfer_t t) {
  for (;;) t = bctx::jump_fcontext(t.fctx, nullptr);
}

double raw_switch_ns() {
  sim::StackPool pool;
  sim::Stack s = pool.get();
  bctx::fcontext_t f = bctx::make_fcontext(s.top(), s.size, pong);
  const int n = 20'000'000;
  bctx::transfer_t t = bctx::jump_fcontext(f, nullptr);
  auto t0 = Clock::now();
  for (int i = 0; i < n; i++) t = bctx::jump_fcontext(t.fctx, nullptr);
  double ns = secs(t0) * 1e9 / (2.0 * n);
  pool.put(s);
  return ns;
}

// ---- scheduling points ----
struct Spinner {
  int n;
};
void spin_points(void* arg) {
  int n = static_cast<Spinner*>(arg)->n;
  for (int i = 0; i < n; i++) km::World::current()->preempt();
}

// A strategy that always switches to another thread when it can.
class Alternate final : public sim::Strategy {
 public:
  const char* name() const override { return "alternate"; }
  void begin(uint64_t, const sim::SchedView&) override {}
  sim::Tid pick(const sim::PickContext& c) override {
    for (sim::Tid t : c.runnable)
      if (t != c.current && t != sim::kClockTid) return t;
    return c.runnable.back();
  }
  uint32_t choose(uint32_t, sim::ChoiceKind) override { return 0; }
};

// Executions of 1000 points each (a long scenario, not one giant run whose
// decision log would measure page faults), World reset included.
double point_ns(int threads) {
  sim::StackPool pool;
  Alternate alt;
  km::WorldOptions o;
  const int per_exec = 1000, execs = 5000;
  Spinner sp{per_exec / threads};
  km::World w(pool, alt, o, 0);
  auto t0 = Clock::now();
  for (int e = 0; e < execs; e++) {
    w.reset(alt, o, e);
    for (int i = 0; i < threads; i++) w.spawn(i ? "b" : "a", spin_points, &sp);
    w.run();
  }
  return secs(t0) * 1e9 / (double(per_exec / threads * threads) * execs);
}

double median3(double a, double b, double c) { return std::max(std::min(a, b), std::min(std::max(a, b), c)); }

// Cost per step with 2, 4, 8 and 16 threads switching at every point
// (issue 14: at most 20% more at 16 than at 2). Three interleaved rounds,
// medians: one round's 16_over_2 moved by 0.1 from run to run.
std::string threads_json() {
  const int counts[] = {2, 4, 8, 16};
  std::vector<double> ns[4];
  for (int round = 0; round < 3; round++)
    for (int i = 0; i < 4; i++) ns[i].push_back(point_ns(counts[i]));
  std::string out = "{";
  double med[4];
  for (int i = 0; i < 4; i++) {
    med[i] = median3(ns[i][0], ns[i][1], ns[i][2]);
    out += (i ? ", \"" : "\"") + std::to_string(counts[i]) + "\": " + std::to_string(med[i]);
  }
  return out + ", \"16_over_2\": " + std::to_string(med[3] / med[0]) + "}";
}

// One thread making `steps` points, the execution's World new or reset: the
// per-execution fixed cost is the intercept of time against steps.
double steps_exec_ns(int steps, bool reset, uint64_t n) {
  sim::StackPool pool;
  sim::RandomStrategy s(1, {});
  km::WorldOptions o;
  Spinner sp{steps};
  km::World kept(pool, s, o, 0);
  auto t0 = Clock::now();
  for (uint64_t e = 0; e < n; e++) {
    if (reset) {
      kept.reset(s, o, e);
      kept.spawn("a", spin_points, &sp);
      kept.run();
    } else {
      km::World w(pool, s, o, e);
      w.spawn("a", spin_points, &sp);
      w.run();
    }
  }
  return secs(t0) * 1e9 / n;
}

// Least squares over 0-, 10- and 100-step executions: fixed ns and ns/step.
std::string fixed_cost_json() {
  std::string out = "{";
  for (bool reset : {true, false}) {
    const int xs[] = {0, 10, 100};
    double ys[3];
    double r[3][3];  // three interleaved rounds; the median of each
    for (int round = 0; round < 3; round++)
      for (int i = 0; i < 3; i++) r[i][round] = steps_exec_ns(xs[i], reset, 500'000);
    for (int i = 0; i < 3; i++) ys[i] = median3(r[i][0], r[i][1], r[i][2]);
    double mx = (0 + 10 + 100) / 3.0, my = (ys[0] + ys[1] + ys[2]) / 3, sxy = 0, sxx = 0;
    for (int i = 0; i < 3; i++) {
      sxy += (xs[i] - mx) * (ys[i] - my);
      sxx += (xs[i] - mx) * (xs[i] - mx);
    }
    double slope = sxy / sxx, fixed = my - slope * mx;
    char b[256];
    std::snprintf(b, sizeof b,
                  "%s\"%s\": {\"fixed_ns\": %.1f, \"ns_per_step\": %.2f, \"ns_0\": %.1f, "
                  "\"ns_10\": %.1f, \"ns_100\": %.1f}",
                  reset ? "" : ", ", reset ? "reset" : "new_world", fixed, slope, ys[0], ys[1],
                  ys[2]);
    out += b;
  }
  return out + "}";
}

// The time of an execution's parts, by executions that stop after each
// part (reset World, random strategy, the lost wakeup's set-up): the
// World's reset alone; and the test's two objects made; and its two
// threads spawned and run with empty bodies (start, exit, three jumps);
// the whole test. Medians of three interleaved rounds, ns per execution.
void nothing(void*) {}
double part_ns(int part, uint64_t n) {
  sim::StackPool pool;
  sim::RandomStrategy s(1, {});
  km::WorldOptions o;
  km::World w(pool, s, o, 0);
  auto t0 = Clock::now();
  for (uint64_t i = 0; i < n; i++) {
    w.reset(s, o, i);
    if (part == 0) continue;
    lw_state st{};
    st.lw_checked = LW_CHECKED;
    if (part == 3) {
      kdrivers::lw_setup_run(w, st, LW_CHECKED, 0);
      continue;
    }
    {
      sim::Sim::HostScope scope(w.sim());
      lw_init(&st);
    }
    if (part == 1) continue;
    w.spawn("waiter", nothing, &st);
    w.spawn("signaller", nothing, &st);
    w.run();
  }
  return secs(t0) * 1e9 / n;
}

std::string parts_json() {
  const char* names[] = {"reset", "reset_objects", "reset_objects_empty_threads", "lost_wakeup"};
  std::vector<double> r[4];
  for (int round = 0; round < 3; round++)
    for (int p = 0; p < 4; p++) r[p].push_back(part_ns(p, 1'000'000));
  std::string out = "{";
  for (int p = 0; p < 4; p++) {
    char b[96];
    std::snprintf(b, sizeof b, "%s\"%s\": %.1f", p ? ", " : "", names[p],
                  median3(r[p][0], r[p][1], r[p][2]));
    out += b;
  }
  return out + "}";
}

// ---- one lost-wakeup execution, taken apart ----
// What an execution in a reset World consists of, averaged over `n`
// executions with the trace kept (the same schedules: the trace changes
// no decision): scheduling points, decisions, events by kind, blocks,
// preemptions, and the context switches, counted from the trace (a change
// of the thread that makes the events is a fiber-to-fiber jump; each run()
// adds one jump in from the host and one back).
std::string decompose_json(uint64_t n) {
  sim::StackPool pool;
  sim::RandomStrategy s(1, {});
  km::WorldOptions o;
  o.sim.record_trace = true;
  km::World w(pool, s, o, 0);
  uint64_t steps = 0, decisions = 0, events = 0, fiber_jumps = 0, preempt = 0;
  uint64_t blocks = 0, wakes = 0, runs_before = w.sim().runs(), digest = 0;
  for (uint64_t i = 0; i < n; i++) {
    w.reset(s, o, i);
    lw_state st;
    kdrivers::lw_setup_run(w, st, LW_CHECKED, 0);
    const sim::Sim& x = w.sim();
    // Every execution's trace hash and decisions, folded: the same figure
    // from two builds says they ran the same schedules.
    digest = sim::hash_event_fields(digest, i, 0, 0, 0, x.trace_hash(), x.decision_log().size(), 0, 0);
    for (const sim::Decision& dc : x.decision_log())
      digest = sim::hash_event_fields(digest, dc.kind, 0, 0, 0, dc.value, 0, 0, 0);
    steps += x.step();
    decisions += x.decision_log().size();
    preempt += x.preemptions();
    sim::Tid last = 0;
    for (const sim::Event& e : x.trace()) {
      events++;
      if (e.tid && last && e.tid != last) fiber_jumps++;
      if (e.tid) last = e.tid;
      blocks += e.kind == sim::kEvBlock;
      wakes += e.kind == sim::kEvWake;
    }
  }
  uint64_t runs = w.sim().runs() - runs_before;
  double d = double(n);
  char b[1024];
  std::snprintf(b, sizeof b,
                "{\"executions\": %llu, \"steps\": %.3f, \"decisions\": %.3f, \"events\": %.3f, "
                "\"blocks\": %.3f, \"wakes\": %.3f, \"preemptions\": %.3f, \"host_runs\": %.3f, "
                "\"fiber_to_fiber_jumps\": %.3f, \"jumps\": %.3f, \"schedule_digest\": \"%016llx\"",
                (unsigned long long)n, steps / d, decisions / d, events / d, blocks / d,
                wakes / d, preempt / d, runs / d, fiber_jumps / d,
                (fiber_jumps + 2.0 * runs) / d, (unsigned long long)digest);
  return b + (", \"ns_by_part\": " + parts_json()) + "}";
}

// ---- the two-thread lost wakeup ----
bool lost_wakeup_once(sim::StackPool& pool, sim::Strategy& s, uint64_t i, int pad, int mode) {
  return static_cast<bool>(kdrivers::lw_run(pool, s, i, mode, pad).failure);
}

// In one World reset before each execution, or (`fresh`) a new World each.
double lost_wakeup_rate(sim::Strategy& s, int mode, bool fresh = false) {
  sim::StackPool pool;
  const uint64_t n = 2'000'000;
  km::World w(pool, s, km::WorldOptions{}, 0);
  auto t0 = Clock::now();
  uint64_t failures = 0;
  for (uint64_t i = 0; i < n; i++) {
    if (fresh) {
      failures += lost_wakeup_once(pool, s, i, 0, mode);
    } else {
      kdrivers::lw_run_reset(w, s, i, mode, 0);
      failures += static_cast<bool>(w.sim().failure());
    }
  }
  double r = n / secs(t0);
  if (mode == LW_CHECKED && failures) std::fprintf(stderr, "unexpected failures: %llu\n", (unsigned long long)failures);
  return r;
}

struct LwEntry {
  void (*init)(lw_state*);
  void (*waiter)(void*);
  void (*signaller)(void*);
};

// The lost wakeup as lw_run does it, with the driver's code from `e` and,
// for a module, its data restored first as load_driver does.
double lost_wakeup_rate_via(const LwEntry& e, km::Module* m, uint64_t n) {
  sim::StackPool pool;
  sim::RandomStrategy s(1, {});
  auto t0 = Clock::now();
  for (uint64_t i = 0; i < n; i++) {
    if (m) m->restore();
    km::WorldOptions o;
    km::World w(pool, s, o, i);
    lw_state st{};
    st.lw_checked = LW_CHECKED;
    {
      sim::Sim::HostScope scope(w.sim());
      e.init(&st);
    }
    w.spawn("waiter", e.waiter, &st);
    w.spawn("signaller", e.signaller, &st);
    w.run();
  }
  return n / secs(t0);
}

std::string module_json() {
  km::Module& m = km::module_open(KS_BENCH_LW_MODULE);
  const LwEntry mod = *static_cast<const LwEntry*>(m.desc()->module);
  const LwEntry lin{lw_init, lw_waiter, lw_signaller};
  std::vector<double> a, b;
  for (int round = 0; round < 5; round++) {  // interleaved: drift hits both alike
    a.push_back(lost_wakeup_rate_via(lin, nullptr, 400'000));
    b.push_back(lost_wakeup_rate_via(mod, &m, 400'000));
  }
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::string out = "{\"linked_execs_per_s\": " + std::to_string(long(a[2])) +
                    ", \"module_execs_per_s\": " + std::to_string(long(b[2])) +
                    ", \"module_over_linked\": " + std::to_string(b[2] / a[2]) +
                    ", \"module_data_bytes\": " + std::to_string(m.data_bytes()) + "}";
  return out;
}

// `fresh`: a new World per execution, else one World reset.
double mallocs_per_execution(bool fresh = false) {
  sim::StackPool pool;
  sim::RandomStrategy s(1, {});
  km::World w(pool, s, km::WorldOptions{}, 0);
  auto once = [&](uint64_t i) {
    if (fresh) lost_wakeup_once(pool, s, i, 0, LW_CHECKED);
    else kdrivers::lw_run_reset(w, s, i, LW_CHECKED, 0);
  };
  for (uint64_t i = 0; i < 1000; i++) once(i);  // warm-up
  const uint64_t n = 10'000, before = g_mallocs;
  for (uint64_t i = 1000; i < 1000 + n; i++) once(i);
  return double(g_mallocs - before) / n;
}

std::string restore_json() {
  std::string out = "{";
  for (const char* name : {"sample", "lofi", "ctl_ioctl", KS_BENCH_LW_MODULE}) {
    km::Module& m = km::module_open(name);
    const int n = 200'000;
    auto t0 = Clock::now();
    for (int i = 0; i < n; i++) m.restore();
    double ns = secs(t0) * 1e9 / n;
    out += std::string(out.size() > 1 ? ", " : "") + "\"" + m.name() + "\": {\"bytes\": " +
           std::to_string(m.data_bytes()) + ", \"ns\": " + std::to_string(ns) +
           ", \"ns_per_kib\": " + std::to_string(ns * 1024.0 / m.data_bytes()) + "}";
  }
  return out + "}";
}

uint64_t first_find(sim::Strategy& s, uint64_t limit) {
  sim::StackPool pool;
  for (uint64_t i = 0; i < limit; i++)
    if (lost_wakeup_once(pool, s, i, 16, LW_WINDOW)) return i + 1;
  return 0;  // not found within limit
}

std::string finds_json(bool pct) {
  std::vector<uint64_t> v;
  uint64_t misses = 0;
  for (uint64_t seed = 1; seed <= 50; seed++) {
    uint64_t n;
    if (pct) {
      sim::PctStrategy s(seed, 2, 0, {});
      n = first_find(s, 100'000);
    } else {
      sim::RandomStrategy s(seed, {});
      n = first_find(s, 100'000);
    }
    if (n) v.push_back(n); else misses++;
  }
  std::sort(v.begin(), v.end());
  char b[200];
  std::snprintf(b, sizeof b, "{\"seeds\": 50, \"median\": %llu, \"max\": %llu, \"not_found_in_100000\": %llu}",
                (unsigned long long)(v.empty() ? 0 : v[v.size() / 2]),
                (unsigned long long)(v.empty() ? 0 : v.back()), (unsigned long long)misses);
  return b;
}

// ---- the sample scenario through the Program path ----
km::Program sample_program(int clients) {
  km::Program p;
  p.drivers.push_back({"sample", "none"});
  p.procs.push_back({"user", km::DataModel::kLP64, 0});
  for (int c = 0; c < clients; c++) {
    km::ProgThread t;
    t.name = "client" + std::to_string(c);
    t.proc = "user";
    std::string fd = "fd" + std::to_string(c), buf = "buf" + std::to_string(c);
    auto call = [&](km::Op op, std::vector<km::Arg> args, std::string out = "") {
      km::Call x;
      x.op = op;
      x.args = std::move(args);
      x.out = std::move(out);
      return x;
    };
    km::Call open = call(km::Op::kOpen, {{2, ""}}, fd);
    open.path = "/dev/sample";
    t.calls.push_back(open);
    t.calls.push_back(call(km::Op::kMmap, {{4096, ""}, {3, ""}}, buf));
    uint64_t req[2] = {uint64_t(20 + c), 0};
    km::Call poke = call(km::Op::kPoke, {{0, buf}});
    poke.data.assign(reinterpret_cast<const char*>(req), sizeof req);
    t.calls.push_back(poke);
    km::Call sub = call(km::Op::kIoctl, {{0, fd}, {SAMPLE_SUBMIT, ""}, {0, buf}});
    sub.check = true;
    sub.expect = 0;
    t.calls.push_back(sub);
    uint64_t want[2] = {uint64_t(20 + c), uint64_t(2 * (20 + c) + 1)};
    km::Call chk = call(km::Op::kCheck, {{0, buf}});
    chk.data.assign(reinterpret_cast<const char*>(want), sizeof want);
    t.calls.push_back(chk);
    t.calls.push_back(call(km::Op::kClose, {{0, fd}}));
    p.threads.push_back(std::move(t));
  }
  return p;
}

std::string sample_json() {
  km::Program p = sample_program(2);
  runner::CampaignOptions o;
  o.strategy.name = "pct";
  o.strategy.seed = 1;
  o.runs = 200'000;
  auto r = runner::run_campaign(o, [&](km::World& w) { km::program_load(w, p); }, nullptr);
  char b[256];
  std::snprintf(b, sizeof b,
                "{\"runs\": %llu, \"execs_per_s\": %.0f, \"distinct\": %llu, \"max_steps\": %llu, "
                "\"failed\": %s}",
                (unsigned long long)r.runs, r.runs / r.seconds, (unsigned long long)r.distinct,
                (unsigned long long)r.max_steps, r.failure ? "true" : "false");
  if (r.failure) std::fprintf(stderr, "sample failed: %s\n", r.failure->failure.message.c_str());
  return b;
}

}  // namespace

// `bench_core points` prints only the switch and scheduling-point figures
// (quick to re-run while tuning the scheduler's hot path).
int main(int argc, char** argv) {
  const bool points_only = argc > 1 && std::string(argv[1]) == "points";
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(0, &one);
  sched_setaffinity(0, sizeof one, &one);
  sim::install_fault_handlers();

  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "modules") {  // just the module figures
    std::printf("{\"lost_wakeup_module\": %s, \"module_restore_ns_per_kib\": %s, "
                "\"mallocs_per_execution\": %.1f, \"mallocs_per_execution_new_world\": %.1f}\n",
                module_json().c_str(), restore_json().c_str(), mallocs_per_execution(),
                mallocs_per_execution(true));
    return 0;
  }
  if (mode == "decompose") {  // what one lost-wakeup execution is made of
    std::printf("{\"lost_wakeup_decomposed\": %s}\n", decompose_json(200'000).c_str());
    return 0;
  }
  if (mode == "part" && argc > 2) {  // one of decompose's parts alone (for a profiler)
    int part = std::atoi(argv[2]);
    if (part < 0 || part > 3) {
      std::fprintf(stderr, "bench_core part N: N is 0 (reset) to 3 (the whole test)\n");
      return 2;
    }
    std::printf("{\"part\": %d, \"ns\": %.1f}\n", part, part_ns(part, 20'000'000));
    return 0;
  }
  if (mode == "lost_wakeup") {  // just the lost wakeup in a reset World (for a profiler)
    sim::RandomStrategy r1(1, {});
    std::printf("{\"lost_wakeup_execs_per_s\": %.0f}\n", lost_wakeup_rate(r1, LW_CHECKED));
    return 0;
  }
  double raw = raw_switch_ns();
  if (mode == "reset") {  // issue 14's figures: reset against new Worlds
    sim::RandomStrategy r1(1, {}), r2(1, {});
    double lw = lost_wakeup_rate(r1, LW_CHECKED), lw_new = lost_wakeup_rate(r2, LW_CHECKED, true);
    std::printf("{\"raw_switch_ns\": %.2f, \"lost_wakeup_execs_per_s\": {\"reset\": %.0f, "
                "\"new_world\": %.0f, \"reset_over_new\": %.2f, "
                "\"raw_switches_per_execution\": %.1f},\n \"fixed_cost\": %s,\n "
                "\"threads_ns_per_step\": %s,\n \"mallocs_per_execution\": {\"reset\": %.2f, "
                "\"new_world\": %.1f}}\n",
                raw, lw, lw_new, lw / lw_new, 1e9 / lw / raw, fixed_cost_json().c_str(),
                threads_json().c_str(), mallocs_per_execution(), mallocs_per_execution(true));
    return 0;
  }
  double p1 = point_ns(1);
  double p2 = point_ns(2);
  if (points_only) {
    std::printf("{\"raw_switch_ns\": %.2f, \"point_ns\": %.2f, \"point_switch_ns\": %.2f, "
                "\"point_switch_ratio\": %.2f}\n", raw, p1, p2, p2 / raw);
    return 0;
  }
  sim::RandomStrategy rnd(1, {});
  sim::PctStrategy pct(1, 2, 0, {});
  double lw_rnd = lost_wakeup_rate(rnd, LW_CHECKED);
  double lw_pct = lost_wakeup_rate(pct, LW_CHECKED);
  std::printf("{\n");
  std::printf("  \"raw_switch_ns\": %.2f,\n", raw);
  std::printf("  \"point_ns\": %.2f,\n", p1);
  std::printf("  \"point_switch_ns\": %.2f,\n", p2);
  std::printf("  \"point_switch_ratio\": %.2f,\n", p2 / raw);
  std::printf("  \"lost_wakeup_execs_per_s\": {\"random\": %.0f, \"pct_d2\": %.0f},\n", lw_rnd, lw_pct);
  std::printf("  \"pct_vs_random_padded16\": {\"pct_d2\": %s, \"random\": %s},\n",
              finds_json(true).c_str(), finds_json(false).c_str());
  std::printf("  \"sample_program_pct\": %s,\n", sample_json().c_str());
  std::printf("  \"lost_wakeup_module\": %s,\n", module_json().c_str());
  std::printf("  \"module_restore_ns_per_kib\": %s,\n", restore_json().c_str());
  std::printf("  \"mallocs_per_execution\": %.1f\n", mallocs_per_execution());
  std::printf("}\n");
  return 0;
}
