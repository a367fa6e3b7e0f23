#include "python/core/py_convert.h"

#include <stdexcept>
#include <string>

#include "runner/program_proto.h"

namespace ks::bind {

namespace py = pybind11;

km::WorldOptions world_options(const py::dict& d) {
  km::WorldOptions o;
  if (d.contains("max_steps") && d["max_steps"].cast<uint64_t>() > 0)
    o.sim.max_steps = d["max_steps"].cast<uint64_t>();
  if (d.contains("hang_ms") && d["hang_ms"].cast<uint32_t>() > 0)
    o.sim.hang_ms = d["hang_ms"].cast<uint32_t>();
  if (d.contains("inject_faults")) o.inject_faults = d["inject_faults"].cast<bool>();
  if (d.contains("spurious_wakeups")) o.spurious_wakeups = d["spurious_wakeups"].cast<bool>();
  return o;
}

km::Program program_from_bytes(const py::bytes& b) {
  kernsim::Program p;
  if (!p.ParseFromString(std::string(b)))
    throw std::invalid_argument("program: not a serialized kernsim.Program");
  return runner::program_from_proto(p);  // checked there (program_check)
}

py::str text(const std::string& s) {
  PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
  if (!o) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(o);
}

py::list text_lines(const std::vector<std::string>& v) {
  py::list l;
  for (const auto& s : v) l.append(text(s));
  return l;
}

}  // namespace ks::bind
