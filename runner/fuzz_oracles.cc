#include "runner/fuzz_oracles.h"

#include "kernel_model/syscalls.h"
#include "kernel_model/world.h"

namespace ks::runner {

namespace {

using km::OpContext;

std::string result_str(int64_t r) {
  if (r < 0 && r >= -4095) return std::string("-") + km::errno_name(static_cast<int>(-r));
  return std::to_string(r);
}

void fail(OpContext& c, const std::string& why) {
  c.world().fail(sim::FailureKind::kScenario, c.where() + ": oracle " + c.call().path + ": " + why,
                 "scenario:oracle:" + c.call().path);
}

int64_t assert_range(OpContext& c) {
  int64_t v = c.arg(0), lo = c.arg(1), hi = c.arg(2);
  if (v >= 0 && lo >= 0 && (v < lo || v > hi))
    fail(c, "value " + std::to_string(v) + " is outside [" + std::to_string(lo) + ", " +
                std::to_string(hi) + "]");
  return 0;
}

int64_t solo_mark(OpContext& c) {
  if (c.in_kernel() != 0) return -1;
  return static_cast<int64_t>(c.entries() - c.thread_entries());
}

// The result a ref argument names, if this thread made it after call `after`.
const OpContext::Result* own_result(OpContext& c, const km::Arg& a, size_t after) {
  const OpContext::Result* r = c.result(a);
  if (!r || r->thread != c.thread_index() || r->call <= after) return nullptr;
  return r;
}

int64_t assert_claim(OpContext& c) {
  const km::Call& call = c.call();
  int64_t tok = c.arg(0);  // a ref not made yet fails the run, as for any op
  const OpContext::Result* mark = c.result(call.args[0]);
  if (!mark || tok < 0 || mark->thread != c.thread_index()) return 0;
  if (c.in_kernel() != 0 || c.entries() - c.thread_entries() != static_cast<uint64_t>(tok))
    return 0;  // another thread acted in the window
  const OpContext::Result* claim = own_result(c, call.args[1], mark->call);
  if (!claim || claim->value != c.arg(2)) return 0;
  int64_t free_value = c.arg(3), probe_cmd = c.arg(4);
  // This thread changed nothing since the claim: its system calls there
  // are the probes (a mutation may have put anything else in between).
  const km::ProgThread& t = c.thread();
  for (size_t k = claim->call + 1; k < c.call_index(); k++) {
    const km::Call& x = t.calls[k];
    if (!km::enters_kernel(x)) continue;
    bool listed = false;
    for (size_t i = 5; i < call.args.size(); i++) listed |= !x.out.empty() && call.args[i].ref == x.out;
    if (!listed || x.op != km::Op::kIoctl || x.args.size() < 2 || !x.args[1].ref.empty() ||
        x.args[1].value != probe_cmd)
      return 0;
  }
  for (size_t i = 5; i < call.args.size(); i++) {
    const OpContext::Result* probe = own_result(c, call.args[i], claim->call);
    if (!probe || probe->value != free_value) continue;
    fail(c, "the call " + call.args[1].ref + " returned " + result_str(claim->value) +
                " (none free), yet the probe " + call.args[i].ref + " returned " +
                result_str(probe->value) + " (free), no other thread acting between");
  }
  return 0;
}

const km::OpExtension kOracles[] = {
    {"assert_range", 3, true, assert_range},
    {"solo_mark", 0, false, solo_mark},
    {"assert_claim", 6, true, assert_claim},
};

}  // namespace

const km::OpExtension* fuzz_oracle(const std::string& name) {
  for (const auto& o : kOracles)
    if (name == o.name) return &o;
  return nullptr;
}

}  // namespace ks::runner
