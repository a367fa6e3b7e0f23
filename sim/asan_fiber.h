// AddressSanitizer and fiber stacks. ASan tracks one stack per host thread;
// a jump_fcontext to another stack, unannounced, makes it misjudge stack
// addresses (false reports after a longjmp, an exception or a noreturn call
// on a fiber, and stale redzones when a stack is reused). So, in ASan builds
// only, every switch between stacks is announced:
//
//   leave(&from_save, to_bottom, to_size)  just before the jump
//     (__sanitizer_start_switch_fiber; a null save: the context we leave
//     never resumes: a finished thread, or one abandoned by a failure)
//   arrive(save)                            first thing after a jump lands
//     (__sanitizer_finish_switch_fiber; null on a fiber's first entry)
//
// and a stack returned to the pool has its shadow cleared (a fiber
// abandoned mid-call leaves its frames' redzones poisoned). Without ASan all
// of this compiles to nothing: the gcc build's switch is unchanged.
//
// Fake stacks (ASAN_OPTIONS=detect_stack_use_after_return=1) are not
// supported: an abandoned fiber's fake frames are never released. Leave it
// off (LLVM 14's default).
#pragma once

#include <cstddef>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KS_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(KS_ASAN)
#define KS_ASAN 1
#endif
#ifndef KS_ASAN
#define KS_ASAN 0
#endif

#if KS_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

namespace ks::sim::asan {

#if KS_ASAN
// The host thread's own stack (pthread_getattr_np, once per host thread).
void host_stack(const void** bottom, size_t* size);

inline void leave(void** save, const void* to_bottom, size_t to_size) {
  __sanitizer_start_switch_fiber(save, to_bottom, to_size);
}
inline void leave_for_host(void** save) {
  const void* bottom;
  size_t size;
  host_stack(&bottom, &size);
  __sanitizer_start_switch_fiber(save, bottom, size);
}
inline void arrive(void* save) { __sanitizer_finish_switch_fiber(save, nullptr, nullptr); }
inline void unpoison(void* p, size_t n) { ASAN_UNPOISON_MEMORY_REGION(p, n); }
#else
inline void leave(void**, const void*, size_t) {}
inline void leave_for_host(void**) {}
inline void arrive(void*) {}
inline void unpoison(void*, size_t) {}
#endif

}  // namespace ks::sim::asan
