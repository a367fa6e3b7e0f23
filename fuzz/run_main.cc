// ks_fuzz_<driver>_run FILE...: runs each input file (no argument: stdin)
// through the entry point, as libFuzzer would run one input. For any build
// (gcc included): to re-run a crash file libFuzzer saved, to check inputs,
// and as AFL++'s plain target (afl-fuzz ... -- ks_fuzz_lofi_run @@).
// Exit status 1 when an input was a finding (with KERNSIM_FUZZ_CONTINUE=1;
// otherwise the first finding aborts), 2 for bad settings or a missing file.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv);
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
namespace ks::fuzz {
int last_verdict();
}

int main(int argc, char** argv) {
  LLVMFuzzerInitialize(&argc, &argv);
  int found = 0;
  auto one = [&](const std::string& name, const std::string& in) {
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(in.data()), in.size());
    int v = ks::fuzz::last_verdict();
    found |= v;
    std::fprintf(stderr, "%s: %zu bytes: %s\n", name.c_str(), in.size(), v ? "finding" : "no finding");
  };
  if (argc < 2) {
    std::string in((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    one("<stdin>", in);
  }
  for (int i = 1; i < argc; i++) {
    std::ifstream f(argv[i], std::ios::binary);
    if (!f) {
      std::fprintf(stderr, "%s: cannot read\n", argv[i]);
      return 2;
    }
    std::string in((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    one(argv[i], in);
  }
  return found ? 1 : 0;
}
