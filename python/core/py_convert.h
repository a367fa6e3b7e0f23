// Python-side values to the C++ ones, shared by every binding (module.cc,
// fuzz_module.cc): what a serialized Program means and what its errors
// say, and a World's text as Python str. (Run descriptions come as a
// serialized RunSpec, WorldSpec or StrategySpec: runner/run_spec.h.)
#pragma once

#include <pybind11/pybind11.h>

#include <string>
#include <vector>

#include "kernel_model/program.h"

namespace ks::bind {

// A serialized kernsim.Program, checked; std::invalid_argument naming the field.
km::Program program_from_bytes(const pybind11::bytes& b);
// A World's text (a failure message, console lines) as Python str: a driver
// may print bytes of freed memory (kmem poison), which are not UTF-8, so
// undecodable bytes become U+FFFD instead of a UnicodeDecodeError.
pybind11::str text(const std::string& s);
pybind11::list text_lines(const std::vector<std::string>& v);

}  // namespace ks::bind
