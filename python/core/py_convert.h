// Python-side descriptions to the C++ ones, shared by every binding
// (module.cc, fuzz_module.cc): one place decides what a World option dict
// and a serialized Program mean, and what their errors say.
#pragma once

#include <pybind11/pybind11.h>

#include <string>
#include <vector>

#include "kernel_model/program.h"
#include "kernel_model/world.h"

namespace ks::bind {

// {"max_steps", "inject_faults", "spurious_wakeups"}: absent keys keep defaults.
km::WorldOptions world_options(const pybind11::dict& d);
// A serialized kernsim.Program, checked; std::invalid_argument naming the field.
km::Program program_from_bytes(const pybind11::bytes& b);
// A World's text (a failure message, console lines) as Python str: a driver
// may print bytes of freed memory (kmem poison), which are not UTF-8, so
// undecodable bytes become U+FFFD instead of a UnicodeDecodeError.
pybind11::str text(const std::string& s);
pybind11::list text_lines(const std::vector<std::string>& v);

}  // namespace ks::bind
