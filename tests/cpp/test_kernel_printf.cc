// The kernel's snprintf (kernel_model/kernel_printf.h) gives the C
// library's result for every format, and the module loader binds a
// driver's snprintf to it (kernel_model/module_bind.h).
#include <gtest/gtest.h>

#include <link.h>

#include <climits>
#include <cstdio>
#include <cstring>
#include <string>

#include "kernel_model/drivers.h"
#include "kernel_model/kernel_printf.h"
#include "kernel_model/module.h"

using ks::km::kernel_snprintf;

namespace {

// Both functions into buffers of size n (0 to 64): the same result and
// the same bytes, the rest of the buffer untouched.
#define EXPECT_SAME(n, ...)                                                      \
  do {                                                                           \
    char a[64], b[64];                                                           \
    std::memset(a, 'Z', sizeof a);                                               \
    std::memset(b, 'Z', sizeof b);                                               \
    int ra = kernel_snprintf(a, n, __VA_ARGS__);                                 \
    int rb = std::snprintf(b, n, __VA_ARGS__);                                   \
    EXPECT_EQ(ra, rb) << #__VA_ARGS__ << " size " << n;                          \
    EXPECT_EQ(std::string(a, sizeof a), std::string(b, sizeof b))                \
        << #__VA_ARGS__ << " size " << n;                                        \
  } while (0)

TEST(KernelPrintf, SimpleConversionsMatchTheCLibrary) {
  for (size_t n : {0, 1, 2, 5, 9, 10, 11, 64}) {
    EXPECT_SAME(n, "%s/%u", "/dev/lofi", 3u);
    EXPECT_SAME(n, "lofi_taskq_%u", 4294967295u);
    EXPECT_SAME(n, "%d %i %d", 0, -1, INT_MIN);
    EXPECT_SAME(n, "%ld %lu %lld %llu", LONG_MIN, ULONG_MAX, LLONG_MIN, ULLONG_MAX);
    EXPECT_SAME(n, "%zu %x %X %lx %llX", sizeof(long), 0xbeefu, 0xbeefu, 0xdeadbeeful, 0ull);
    EXPECT_SAME(n, "%c%c%%%s", 'a', 0x62, "");
    EXPECT_SAME(n, "no directives at all");
  }
}

TEST(KernelPrintf, OtherFormatsAreTheCLibrarys) {
  for (size_t n : {0, 3, 64}) {
    EXPECT_SAME(n, "%5d|%-4s|%.2s|%08x", 42, "ab", "xyz", 0x1234u);
    EXPECT_SAME(n, "%hd %hhu %p", static_cast<short>(-3), static_cast<unsigned char>(200),
                static_cast<void*>(nullptr));
    EXPECT_SAME(n, "%s then %.3f", "text", 1.25);
    EXPECT_SAME(n, "%+d % d %#x", 7, 7, 7u);
  }
}

TEST(KernelPrintf, NullStringAsTheCLibraryPrintsIt) {
  const char* volatile none = nullptr;  // not known null to the compiler
  char a[32], b[32];
  int ra = kernel_snprintf(a, sizeof a, "[%s]", none);
  int rb = std::snprintf(b, sizeof b, "[%s]", none);  // glibc: "(null)"
  EXPECT_EQ(ra, rb);
  EXPECT_STREQ(a, b);
}

TEST(KernelPrintf, IllumosPrintsANullStringItsOwnWay) {
  // illumos's kernel snprintf (common/util/string.c): "<null string>",
  // with the directive's width and precision; every other directive as the
  // C library's.
  const char* volatile none = nullptr;
  char a[64];
  EXPECT_EQ(ks::km::illumos_snprintf(a, sizeof a, "[%s]", none), 15);
  EXPECT_STREQ(a, "[<null string>]");
  EXPECT_EQ(ks::km::illumos_snprintf(a, sizeof a, "[%-15s|%.4s]", none, none), 22);
  EXPECT_STREQ(a, "[<null string>  |<nul]");
  EXPECT_EQ(ks::km::illumos_snprintf(a, 6, "%s", none), 13);
  EXPECT_STREQ(a, "<null");
  EXPECT_EQ(ks::km::illumos_sprintf(a, "%s=%d", none, 7), 15);
  EXPECT_STREQ(a, "<null string>=7");
  char b[64];
  int rb = std::snprintf(b, sizeof b, "%5d|%-4s|%08x|%p|%.2f", 42, "ab", 0x1234u,
                         static_cast<void*>(nullptr), 1.25);
  EXPECT_EQ(ks::km::illumos_snprintf(a, sizeof a, "%5d|%-4s|%08x|%p|%.2f", 42, "ab", 0x1234u,
                                     static_cast<void*>(nullptr), 1.25),
            rb);
  EXPECT_STREQ(a, b);
}

// Finds `value` stored as a pointer in the writable or read-only-after-
// relocation data of the loaded object that holds `inside`.
struct Find {
  uintptr_t inside;
  void* value;
  bool found = false;
};
// Uninstrumented: under ASan the module's data holds redzones between its
// globals.
__attribute__((no_sanitize("address"))) int find_pointer(struct dl_phdr_info* info, size_t,
                                                         void* arg) {
  auto* f = static_cast<Find*>(arg);
  bool ours = false;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const auto& ph = info->dlpi_phdr[i];
    uintptr_t lo = info->dlpi_addr + ph.p_vaddr;
    if (ph.p_type == PT_LOAD && f->inside >= lo && f->inside < lo + ph.p_memsz) ours = true;
  }
  if (!ours) return 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const auto& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD || !(ph.p_flags & PF_W)) continue;
    auto* p = reinterpret_cast<void* const*>(info->dlpi_addr + ph.p_vaddr);
    for (size_t k = 0; k < ph.p_memsz / sizeof(void*); k++) f->found |= p[k] == f->value;
  }
  return 1;
}

TEST(KernelPrintf, TheModuleLoaderBindsADriversSnprintfToTheKernels) {
  // lofi names its minor nodes and taskqs with snprintf: an illumos
  // module's is bound to illumos's.
  ks::km::Module& m = ks::km::driver_module("lofi", "none");
  Find kernel{reinterpret_cast<uintptr_t>(m.desc()),
              reinterpret_cast<void*>(&ks::km::illumos_snprintf)};
  dl_iterate_phdr(find_pointer, &kernel);
  EXPECT_TRUE(kernel.found) << "lofi's snprintf slot does not hold the kernel's snprintf";
  Find libc{reinterpret_cast<uintptr_t>(m.desc()),
            reinterpret_cast<void*>(static_cast<int (*)(char*, size_t, const char*, ...)>(
                &std::snprintf))};
  dl_iterate_phdr(find_pointer, &libc);
  EXPECT_FALSE(libc.found) << "lofi still calls the C library's snprintf";
}

TEST(KernelPrintf, AFreeBsdModulesSnprintfIsTheKernelsOwn) {
  // FreeBSD prints a null %s as the C library does: kernel_snprintf.
  ks::km::Module& m = ks::km::driver_module("ctl_ioctl", "none");
  Find kernel{reinterpret_cast<uintptr_t>(m.desc()), reinterpret_cast<void*>(&kernel_snprintf)};
  dl_iterate_phdr(find_pointer, &kernel);
  EXPECT_TRUE(kernel.found) << "ctl_ioctl's snprintf slot does not hold the kernel's snprintf";
  Find illumos{reinterpret_cast<uintptr_t>(m.desc()),
               reinterpret_cast<void*>(&ks::km::illumos_snprintf)};
  dl_iterate_phdr(find_pointer, &illumos);
  EXPECT_FALSE(illumos.found) << "ctl_ioctl, a FreeBSD module, got illumos's snprintf";
}

}  // namespace
