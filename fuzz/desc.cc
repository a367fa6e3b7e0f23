#include "fuzz/desc.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

namespace ks::fuzz {

namespace {

using kernsim::DriverDescription;
using kernsim::FuzzField;
using kernsim::FuzzIoctl;

const char* const kFieldTypes[] = {"int", "flags", "enum", "string", "bytes", "len",
                                   "pointer", "sglist", "resource", "pad"};
const char* const kDirs[] = {"in", "out", "inout", "none"};

template <size_t N>
bool one_of(const std::string& s, const char* const (&v)[N]) {
  return std::find_if(v, v + N, [&](const char* x) { return s == x; }) != v + N;
}

template <size_t N>
std::string list(const char* const (&v)[N]) {
  std::string out;
  for (const char* x : v) out += std::string(out.empty() ? "" : ", ") + x;
  return out;
}

bool identifier(const std::string& s) {
  if (s.empty() || !(isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

bool int_size(uint32_t n) { return n == 1 || n == 2 || n == 4 || n == 8; }

struct Checker {
  std::string path;
  [[noreturn]] void fail(const std::string& where, const std::string& why) const {
    throw std::invalid_argument(path + ": " + where + ": " + why);
  }

  void fields(const std::string& w, const FuzzIoctl& io, const std::set<std::string>& resources) {
    std::map<std::string, const FuzzField*> names;
    for (int j = 0; j < io.field_size(); j++) {
      const FuzzField& f = io.field(j);
      std::string fw = w + ".field[" + std::to_string(j) + "] (" + (f.name().empty() ? "?" : f.name()) + ")";
      if (f.name().empty()) fail(w + ".field[" + std::to_string(j) + "].name", "missing");
      if (names.count(f.name())) fail(fw + ".name", "described twice");
      names[f.name()] = &f;
      if (!one_of(f.type(), kFieldTypes))
        fail(fw + ".type", "'" + f.type() + "': want one of " + list(kFieldTypes));
      bool blob = f.type() == "string" || f.type() == "bytes" || f.type() == "pad";
      if (blob && (f.size() == 0 || f.size() > 65536))
        fail(fw + ".size", std::to_string(f.size()) + ": a " + f.type() + " needs a size of 1..65536 bytes");
      if (!blob && !int_size(f.size()))
        fail(fw + ".size", std::to_string(f.size()) + ": an integer field is 1, 2, 4 or 8 bytes");
      if (f.type() == "int" && f.min() > f.max())
        fail(fw + ".min", "min " + std::to_string(f.min()) + " > max " + std::to_string(f.max()));
      if ((f.type() == "enum" || f.type() == "flags") && f.value_size() == 0)
        fail(fw + ".value", "a " + f.type() + " field lists its values");
      if (f.type() == "bytes" && f.blob_size() == 0) fail(fw + ".blob", "a bytes field lists candidate blobs");
      if (f.blob_size() > 0 && f.type() != "bytes" && f.type() != "pointer")
        fail(fw + ".blob", "blobs belong to a bytes or pointer field, not a " + f.type());
      if (f.type() == "pointer")
        for (const auto& bl : f.blob())
          if (bl.empty() || bl.size() > 2048) fail(fw + ".blob", "a pointed-to blob is 1..2048 bytes");
      if (f.type() == "sglist" && f.size() != 8) fail(fw + ".size", "an sglist pointer is 8 bytes");
      if (f.type() == "string" && f.text_size() == 0)
        fail(fw + ".text", "a string field lists candidate strings");
      if (f.type() == "resource" && !resources.count(f.resource()))
        fail(fw + ".resource", "unknown resource '" + f.resource() + "'");
    }
    for (int j = 0; j < io.field_size(); j++) {
      const FuzzField& f = io.field(j);
      std::string fw = w + ".field[" + std::to_string(j) + "] (" + f.name() + ")";
      for (auto [attr, ref] : {std::pair<const char*, const std::string*>{"sg_count", &f.sg_count()},
                               {"sg_bytes", &f.sg_bytes()}}) {
        if (ref->empty()) continue;
        auto it = names.find(*ref);
        if (f.type() != "sglist" || it == names.end() ||
            (it->second->type() != "int" && it->second->type() != "len") ||
            !int_size(it->second->size()))
          fail(fw + "." + attr, "'" + *ref + "' is not an integer field of this ioctl (or " +
                                    f.name() + " is not an sglist)");
      }
      if ((f.type() == "len" || f.type() == "pointer") && !f.len_of().empty()) {
        auto it = names.find(f.len_of());
        std::string want = f.type() == "len" ? "pointer" : "len";
        if (it == names.end() || it->second->type() != want)
          fail(fw + ".len_of", "'" + f.len_of() + "' is not a " + want + " field of this ioctl");
      }
    }
  }

  void exhaustion(const DriverDescription& d) {
    for (int i = 0; i < d.resource_size(); i++) {
      const auto& r = d.resource(i);
      std::string w = "resource[" + std::to_string(i) + "] (" + r.name() + ")";
      if (!r.exhausted_errno() && r.probe().empty() && !r.probe_free_errno()) continue;
      if (r.exhausted_errno() <= 0 || r.probe_free_errno() <= 0)
        fail(w + ".exhausted_errno", "an exhaustion oracle needs exhausted_errno and "
                                     "probe_free_errno, both positive errno values");
      if (!r.has_valid_min())
        fail(w + ".valid_min", "an exhaustion oracle needs the range valid_min..valid_max");
      if (r.valid_max() - r.valid_min() >= 16)
        fail(w + ".valid_max", "an exhaustion oracle probes every value: at most 16");
      const FuzzIoctl* probe = nullptr;
      for (const auto& io : d.ioctl())
        if (io.name() == r.probe()) probe = &io;
      if (!probe) fail(w + ".probe", "'" + r.probe() + "' is not one of the ioctls");
      int n = 0;
      for (const auto& f : probe->field()) n += f.type() == "resource" && f.resource() == r.name();
      if ((!probe->arg().empty() && probe->arg() != "struct") || n != 1)
        fail(w + ".probe", "'" + r.probe() + "' is not a struct ioctl with exactly one field of resource " +
                               r.name());
      bool produced = false;
      for (const auto& io : d.ioctl()) produced |= io.produces() == r.name();
      if (!produced) fail(w + ".exhausted_errno", "no ioctl produces " + r.name() + ": nothing to check");
    }
  }

  void check(const DriverDescription& d) {
    if (d.driver().empty()) fail("driver", "missing (the driver's name, as `kernsim drivers` lists it)");
    std::set<std::string> paths;
    for (int i = 0; i < d.node_size(); i++) {
      const auto& n = d.node(i);
      std::string w = "node[" + std::to_string(i) + "].path";
      if (n.path().rfind("/dev/", 0) != 0) fail(w, "'" + n.path() + "' is not a device path under /dev/");
      if (!paths.insert(n.path()).second) fail(w, "'" + n.path() + "' is described twice");
    }
    if (d.node_size() == 0) fail("node", "no device node: the fuzzer has nothing to open");
    std::set<std::string> resources;
    for (int i = 0; i < d.resource_size(); i++) {
      const auto& r = d.resource(i);
      std::string w = "resource[" + std::to_string(i) + "]";
      if (!identifier(r.name())) fail(w + ".name", "'" + r.name() + "' is not a name");
      if (!resources.insert(r.name()).second) fail(w + ".name", "'" + r.name() + "' is described twice");
      if (r.has_valid_min() != r.has_valid_max() || r.valid_min() > r.valid_max())
        fail(w + " (" + r.name() + ").valid_min", "an oracle range needs valid_min <= valid_max, both given");
    }
    std::set<std::string> names;
    std::set<std::pair<std::string, uint64_t>> cmds;
    for (int i = 0; i < d.ioctl_size(); i++) {
      const FuzzIoctl& io = d.ioctl(i);
      std::string w = "ioctl[" + std::to_string(i) + "] (" + (io.name().empty() ? "?" : io.name()) + ")";
      if (io.name().empty()) fail("ioctl[" + std::to_string(i) + "].name", "missing");
      if (!names.insert(io.name()).second) fail(w + ".name", "described twice");
      if (!cmds.insert({io.node(), io.cmd()}).second) {
        char b[32];
        std::snprintf(b, sizeof b, "%#llx", static_cast<unsigned long long>(io.cmd()));
        fail(w + ".cmd", std::string(b) + " on " + io.node() + " is described twice");
      }
      if (!paths.count(io.node())) {
        std::string all;
        for (const auto& p : paths) all += std::string(all.empty() ? "" : ", ") + p;
        fail(w + ".node", "'" + io.node() + "' is not one of the nodes (" + all + ")");
      }
      if (!one_of(io.dir(), kDirs)) fail(w + ".dir", "'" + io.dir() + "': want one of " + list(kDirs));
      if (!io.arg().empty() && io.arg() != "struct" && io.arg() != "value" && io.arg() != "none")
        fail(w + ".arg", "'" + io.arg() + "': want struct, value or none");
      if (io.arg() == "value" && io.field_size() != 1)
        fail(w + ".field", "arg: value takes exactly one field, has " + std::to_string(io.field_size()));
      if (io.arg() == "none" && io.field_size() != 0) fail(w + ".field", "arg: none takes no fields");
      if (!io.produces().empty() && !resources.count(io.produces()))
        fail(w + ".produces", "unknown resource '" + io.produces() + "'");
      if (!io.produces_field().empty()) {
        const FuzzField* pf = nullptr;
        for (const auto& f : io.field())
          if (f.name() == io.produces_field()) pf = &f;
        if (io.produces().empty() || !pf || !int_size(pf->size()) ||
            (io.dir() != "out" && io.dir() != "inout"))
          fail(w + ".produces_field", "'" + io.produces_field() +
                                          "' is not an integer field of an out/inout struct ioctl "
                                          "that produces a resource");
      }
      fields(w, io, resources);
    }
    exhaustion(d);
    std::set<std::string> knobs;
    for (int i = 0; i < d.sysctl_size(); i++) {
      const auto& k = d.sysctl(i);
      std::string w = "sysctl[" + std::to_string(i) + "]";
      if (k.name().empty() || k.name().front() == '.' || k.name().back() == '.' ||
          k.name().find_first_of(" \t/") != std::string::npos)
        fail(w + ".name", "'" + k.name() + "' is not a dotted sysctl name (hw.mydrv.knob)");
      if (!knobs.insert(k.name()).second) fail(w + ".name", "'" + k.name() + "' is described twice");
      if (k.size() != 0 && !int_size(k.size()))
        fail(w + " (" + k.name() + ").size", std::to_string(k.size()) + ": a value is 1, 2, 4 or 8 bytes");
      if (k.min() > k.max())
        fail(w + " (" + k.name() + ").min",
             "min " + std::to_string(k.min()) + " > max " + std::to_string(k.max()));
    }
    for (int i = 0; i < d.file_size(); i++)
      if (d.file(i).path().empty() || d.file(i).path()[0] != '/')
        fail("file[" + std::to_string(i) + "].path", "'" + d.file(i).path() + "' is not absolute");
    // Also what a description cut short after its nodes looks like.
    if (d.ioctl_size() == 0) fail("ioctl", "no ioctl described: the fuzzer has nothing to call");
  }
};

// Collects the parser's first complaint instead of printing it.
class ParseErrors : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (first.empty())
      first = std::to_string(line + 1) + ":" + std::to_string(column + 1) + ": " + message;
  }
  std::string first;
};

}  // namespace

DriverDescription parse_description(const std::string& text, const std::string& path) {
  DriverDescription d;
  google::protobuf::TextFormat::Parser parser;
  ParseErrors errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, &d))
    throw std::invalid_argument(path + ": not a DriverDescription: " +
                                (errors.first.empty() ? "parse error" : errors.first));
  Checker{path}.check(d);
  return d;
}

void check_description(const DriverDescription& d, const std::string& path) {
  Checker{path}.check(d);
}

Layout field_layout(const kernsim::FuzzIoctl& io) {
  Layout l;
  uint32_t off = 0, align = 1;
  for (const auto& f : io.field()) {
    uint32_t a = (f.type() == "string" || f.type() == "bytes" || f.type() == "pad") ? 1 : f.size();
    align = std::max(align, a);
    off = (off + a - 1) / a * a;
    l.fields.push_back({&f, off});
    off += f.size();
  }
  l.size = (off + align - 1) / align * align;
  return l;
}

}  // namespace ks::fuzz
