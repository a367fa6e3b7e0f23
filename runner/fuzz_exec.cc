#include "runner/fuzz_exec.h"

#include "sim/fault_guard.h"

namespace ks::runner {

namespace {

uint64_t mix(uint64_t a, uint64_t b) {
  uint64_t h = (a ^ (b + 0x9E3779B97F4A7C15ull + (a << 6) + (a >> 2))) * 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 31);
}

uint64_t name_hash(const char* s) {  // FNV-1a: object names are stable across Worlds, ids are not
  uint64_t h = 0xcbf29ce484222325ull;
  for (; s && *s; s++) h = (h ^ static_cast<uint8_t>(*s)) * 0x100000001b3ull;
  return h;
}

// AFL's hit-count buckets: 1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+.
uint8_t bucket(uint8_t n) {
  if (n <= 3) return static_cast<uint8_t>(1u << (n - 1));
  if (n < 8) return 8;
  if (n < 16) return 16;
  if (n < 32) return 32;
  if (n < 128) return 64;
  return 128;
}

// Forwards everything to the real strategy; watches the events for
// interleaving pairs, and tells the coverage map which simulated thread the
// next blocks belong to.
class Watch final : public sim::Strategy {
 public:
  Watch(sim::Strategy& inner, U64Set& pairs, uint8_t* counters,
        size_t ncounters, std::vector<FuzzLast>& last)
      : in_(inner), pairs_(pairs), counters_(counters), ncounters_(ncounters), last_(last) {
    last_.clear();
  }
  const char* name() const override { return in_.name(); }
  void begin(uint64_t index, const sim::SchedView& view) override {
    view_ = &view;
    in_.begin(index, view);
    in_events_ = in_.wants_events();
  }
  void on_spawn(sim::Tid t) override { in_.on_spawn(t); }
  sim::Tid pick(const sim::PickContext& c) override {
    sim::Tid t = in_.pick(c);
    sim::coverage_context(t);
    return t;
  }
  uint32_t choose(uint32_t n, sim::ChoiceKind k) override { return in_.choose(n, k); }
  bool wants_events() const override { return true; }
  // The boot's pairs and edges are the same in every execution: no signal,
  // so a boot image (which skips them) loses the fuzzer nothing.
  bool needs_boot_events() const override { return in_.needs_boot_events(); }
  void on_event(const sim::Event& e) override {
    if (in_events_) in_.on_event(e);
    sim::coverage_context(e.tid);
    if (e.obj == 0 || e.tid == sim::kClockTid) return;
    if (e.obj >= last_.size()) last_.resize(e.obj + 1);
    FuzzLast& l = last_[e.obj];
    if (l.tid != 0 && l.tid != e.tid) {
      // Hashed at the object's first pair: most objects never form one.
      if (l.name == 0) l.name = name_hash(view_ ? view_->object_name(e.obj) : "");
      uint64_t key = mix(mix(l.name, l.kind), e.kind);
      if (pairs_.insert(key)) new_pairs++;
      if (counters_) {
        uint8_t& c = counters_[key % ncounters_];
        if (c != 255) c++;
      }
    }
    l.tid = e.tid;
    l.kind = e.kind;
  }
  void end(const sim::ExecutionSummary& s) override { in_.end(s); }
  std::string divergence() const override { return in_.divergence(); }

  uint32_t new_pairs = 0;

 private:
  sim::Strategy& in_;
  bool in_events_ = false;
  U64Set& pairs_;
  uint8_t* counters_;
  size_t ncounters_;
  const sim::SchedView* view_ = nullptr;
  std::vector<FuzzLast>& last_;  // by object id (dense, 1-based)
};

}  // namespace

FuzzExecutor::FuzzExecutor()
    : map_(std::make_unique<sim::CoverageMap>()), seen_(sim::kCovMapSize, 0) {
  sim::install_fault_handlers();
}

const FuzzRun& FuzzExecutor::run(const km::Program& p, const StrategySpec& s,
                                 const km::WorldOptions& o, uint64_t execution,
                                 bool record_trace) {
  Watch watch(strategies_.get(s), pairs_, pair_counters_, n_pair_counters_, last_);
  FuzzRun& out = run_;
  out.new_edges = out.new_pairs = 0;
  map_->prev = 0;
  sim::CoverageMap* old = sim::coverage_attach(map_.get());
  km::WorldOptions with_cov = o;
  with_cov.coverage = true;  // the drivers' builds with edge coverage
  try {
    run_once_into(out.rec, pool_, watch, with_cov, execution,
                  [&](km::World& w) { km::program_load(w, p); }, nullptr, record_trace, &reuse_,
                  false);
  } catch (...) {
    sim::coverage_attach(old);
    map_->drain([](size_t, uint8_t) {});
    throw;
  }
  sim::coverage_attach(old);
  executions_++;
  out.new_pairs = watch.new_pairs;
  map_->drain([&](size_t i, uint8_t n) {
    uint8_t b = bucket(n);
    if (seen_[i] & b) return;
    if (!seen_[i]) edges_++;
    seen_[i] |= b;
    out.new_edges++;
  });
  return out;
}

}  // namespace ks::runner
