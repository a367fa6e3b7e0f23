#include "kernel_model/code_site.h"

#include <dlfcn.h>

#include <cstdio>
#include <map>
#include <mutex>
#include <utility>

namespace ks::km {

namespace {

std::string hex(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

std::string run_tool(const std::string& cmd) {
  std::string out;
  if (FILE* f = popen(cmd.c_str(), "r")) {
    char buf[512];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    pclose(f);
  }
  return out;
}

std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

}  // namespace

CodeSite code_site(uintptr_t pc) {
  // Worlds of one process may report from several host threads.
  static std::mutex mu;
  static std::map<std::pair<std::string, uint64_t>, CodeSite> cache;
  Dl_info di{};
  uintptr_t at = pc - 1;  // inside the call instruction: its line
  if (!pc || !dladdr(reinterpret_cast<void*>(at), &di) || !di.dli_fname) return {"?", hex(pc)};
  uint64_t off = at - reinterpret_cast<uintptr_t>(di.dli_fbase);
  auto key = std::make_pair(std::string(di.dli_fname), off);
  std::lock_guard<std::mutex> g(mu);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  CodeSite w;
  std::string out = run_tool("addr2line -f -C -e " + quoted(key.first) + " " + hex(off) +
                             " 2>/dev/null");
  size_t nl = out.find('\n');
  std::string base = key.first.substr(key.first.rfind('/') + 1);
  if (nl != std::string::npos) {
    w.func = out.substr(0, nl);
    std::string line = out.substr(nl + 1);
    line = line.substr(0, line.find_first_of(" \n"));
    if (line.empty() || line[0] == '?') line = base + "+" + hex(off);
    w.line = line.substr(line.rfind('/') + 1);
  } else {
    w.line = base + "+" + hex(off);
  }
  return cache[key] = w;
}

std::string at_site(uintptr_t pc) {
  if (!pc) return {};
  CodeSite s = code_site(pc);
  return " @ " + s.line + (s.func == "?" ? std::string() : " (" + s.func + ")");
}

}  // namespace ks::km
