#include "runner/program_proto.h"

#include <stdexcept>

#include "runner/fuzz_oracles.h"

namespace ks::runner {

namespace {
struct OpName {
  const char* name;
  km::Op op;
  int nargs;
};
constexpr OpName kOps[] = {
    {"open", km::Op::kOpen, 1},     {"close", km::Op::kClose, 1},   {"ioctl", km::Op::kIoctl, 3},
    {"read", km::Op::kRead, 3},     {"write", km::Op::kWrite, 3},   {"pread", km::Op::kPread, 4},
    {"pwrite", km::Op::kPwrite, 4}, {"mmap", km::Op::kMmap, 2},     {"munmap", km::Op::kMunmap, 2},
    {"mprotect", km::Op::kMprotect, 3}, {"poke", km::Op::kPoke, 1}, {"check", km::Op::kCheck, 1},
    {"kill", km::Op::kKill, 1},     {"poke_int", km::Op::kPokeInt, 3},
    {"peek_int", km::Op::kPeekInt, 2}, {"gettime", km::Op::kGettime, 0},
    {"putmsg", km::Op::kPutmsg, 4}, {"getmsg", km::Op::kGetmsg, 4},
    {"modunload", km::Op::kModunload, 0},  // path: the module's name
    {"poll", km::Op::kPoll, 3},
    {"kqueue", km::Op::kKqueue, 0}, {"kevent", km::Op::kKevent, 6},
    {"mmap_dev", km::Op::kMmapDev, 5},
    {"sysctl", km::Op::kSysctl, 4},  // path: the oid's name
};
}  // namespace

km::Program program_from_proto(const kernsim::Program& p) {
  km::Program out;
  for (const auto& d : p.driver()) {
    out.drivers.push_back(
        {d.name(), d.variant().empty() ? "none" : d.variant(), d.conf(), d.conf_file()});
    out.drivers.back().minor_perm.assign(d.minor_perm().begin(), d.minor_perm().end());
  }
  for (const auto& f : p.file()) out.files.push_back({f.path(), f.size(), f.readonly()});
  for (int i = 0; i < p.proc_size(); i++) {
    const auto& pr = p.proc(i);
    km::ProgProc pp;
    pp.name = pr.name();
    if (pr.model() == "ilp32") pp.model = km::DataModel::kILP32;
    else if (pr.model().empty() || pr.model() == "lp64") pp.model = km::DataModel::kLP64;
    else
      throw std::invalid_argument("proc[" + std::to_string(i) + "].model: '" + pr.model() +
                                  "' is neither lp64 nor ilp32");
    pp.uid = pr.uid();
    pp.gid = pr.has_gid() ? pr.gid() : pr.uid();
    out.procs.push_back(pp);
  }
  for (int ti = 0; ti < p.thread_size(); ti++) {
    const auto& th = p.thread(ti);
    km::ProgThread t;
    t.name = th.name();
    t.proc = th.proc();
    for (int ci = 0; ci < th.call_size(); ci++) {
      const auto& c = th.call(ci);
      std::string where = "thread[" + std::to_string(ti) + "].call[" + std::to_string(ci) + "]";
      const OpName* op = nullptr;
      for (const auto& o : kOps)
        if (c.op() == o.name) op = &o;
      const km::OpExtension* ext = op ? nullptr : fuzz_oracle(c.op());
      if (!op && !ext) throw std::invalid_argument(where + ".op: unknown op '" + c.op() + "'");
      size_t nargs = op ? static_cast<size_t>(op->nargs) : ext->nargs;
      if (static_cast<size_t>(c.arg_size()) < nargs)
        throw std::invalid_argument(where + ".arg: " + c.op() + " needs " +
                                    std::to_string(nargs) + " arguments, has " +
                                    std::to_string(c.arg_size()));
      km::Call call;
      call.op = op ? op->op : km::Op::kExtension;
      call.ext = ext;
      for (const auto& a : c.arg()) {
        km::Arg arg;
        if (a.v_case() == kernsim::Arg::kRef) {
          arg.ref = a.ref();
          arg.value = a.offset();
        } else {
          arg.value = a.value() + a.offset();
        }
        call.args.push_back(arg);
      }
      call.path = c.path();
      call.data = c.data();
      call.out = c.out();
      call.check = c.has_expect();
      call.expect = c.expect();
      t.calls.push_back(std::move(call));
    }
    out.threads.push_back(std::move(t));
  }
  std::string err = km::program_check(out);
  if (!err.empty()) throw std::invalid_argument(err);
  return out;
}

}  // namespace ks::runner
