// Builders for km::Program calls in C++ tests: a value, a reference to a
// name an earlier call produced (plus an offset), a call, a checked call.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "kernel_model/program.h"

namespace ks::progtest {

inline km::Arg V(int64_t v) { return km::Arg{v, ""}; }
inline km::Arg R(const std::string& ref, int64_t off = 0) { return km::Arg{off, ref}; }

inline km::Call call(km::Op op, std::vector<km::Arg> args, std::string out = "",
                     std::string path = "") {
  km::Call c;
  c.op = op;
  c.args = std::move(args);
  c.out = std::move(out);
  c.path = std::move(path);
  return c;
}

// The call's result must be e (else the run fails with the call named).
inline km::Call expect(km::Call c, int64_t e) {
  c.check = true;
  c.expect = e;
  return c;
}

}  // namespace ks::progtest
