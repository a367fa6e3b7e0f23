#include "kernel_model/code_site.h"

#include <dlfcn.h>

#include <cstdio>
#include <map>
#include <mutex>
#include <utility>

#include "kernel_model/kobject.h"

namespace ks::km {

namespace {

std::string hex(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

}  // namespace

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

std::string shell_quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

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
  // -i: the chain of inlined frames, innermost first. A call made in an
  // inline function of a personality's header (malloc is ks_fb_malloc in
  // <sys/malloc.h>, copyinstr an inline of <sys/systm.h>) is named at the
  // driver's line that used it, as FreeBSD's __FILE__/__LINE__ would be: the
  // first frame outside kernel_model/; in the kernel's own code, the first.
  CodeSite w;
  std::string out = run_tool("addr2line -i -f -C -e " + shell_quoted(key.first) + " " +
                             hex(off) + " 2>/dev/null");
  std::string base = key.first.substr(key.first.rfind('/') + 1);
  bool chosen = false;
  size_t at_line = 0;
  while (at_line < out.size()) {
    size_t nl1 = out.find('\n', at_line);
    if (nl1 == std::string::npos) break;
    size_t nl2 = out.find('\n', nl1 + 1);
    std::string func = out.substr(at_line, nl1 - at_line);
    std::string line = out.substr(nl1 + 1, (nl2 == std::string::npos ? out.size() : nl2) - nl1 - 1);
    line = line.substr(0, line.find(' '));
    at_line = nl2 == std::string::npos ? out.size() : nl2 + 1;
    if (line.empty() || line[0] == '?') continue;
    bool kernel = line.find("kernel_model/") != std::string::npos;
    if (chosen && kernel) continue;  // the innermost kernel frame is kept as a fallback
    w.func = func;
    w.line = line.substr(line.rfind('/') + 1);
    chosen = true;
    if (!kernel) break;
  }
  if (!chosen) w.line = base + "+" + hex(off);
  return cache[key] = w;
}

std::string at_site(uintptr_t pc) {
  if (!pc) return {};
  if (pc == kSiteNotKept) return " (site not kept)";
  CodeSite s = code_site(pc);
  return " @ " + s.line + (s.func == "?" ? std::string() : " (" + s.func + ")");
}

}  // namespace ks::km
