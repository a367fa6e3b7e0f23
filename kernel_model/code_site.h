// Where a code address is, for reports a driver engineer reads: the
// function and file:line of a module's own DWARF (addr2line), as WITNESS
// names the file:line of each lock it lists. Host work (it starts a
// process per new address), for failure reports only; the answer depends
// on the module file alone, so a replay names the same lines.
#pragma once

#include <cstdint>
#include <string>

namespace ks::km {

struct CodeSite {
  std::string func = "?";
  std::string line = "?";  // file:line, the file's base name
};

// A host tool's standard output (addr2line, nm: report time only), and a
// path quoted for its command line.
std::string run_tool(const std::string& cmd);
std::string shell_quoted(const std::string& s);

// `pc` is a return address (the line of the call before it); 0: none.
CodeSite code_site(uintptr_t pc);

// " @ file:line (func)", or "" for pc 0: the suffix the lock reports use
// (kSiteNotKept says so).
std::string at_site(uintptr_t pc);

// The file's base name of a driver's __FILE__ (an assertion's report).
inline const char* file_base(const char* path) {
  const char* base = path;
  for (const char* p = path; *p; p++)
    if (*p == '/') base = p + 1;
  return base;
}

}  // namespace ks::km

// In a function a driver calls (the C boundary): the driver's call site,
// kept per held lock at the cost of a register (World::witness_acquire).
#define KS_CALLER reinterpret_cast<uintptr_t>(__builtin_return_address(0))
