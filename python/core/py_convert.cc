#include "python/core/py_convert.h"

#include <stdexcept>
#include <string>

#include "runner/program_proto.h"

namespace ks::bind {

namespace py = pybind11;

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
