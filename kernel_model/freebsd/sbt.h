// kern_timeout.c's callout_when on the virtual clock (sbt_wait.cc): the
// deadline in virtual ns of an sbintime_t timeout and its C_* flags;
// never 0 (which the waits read as none).
#pragma once

#include <cstdint>

namespace ks::km::freebsd {
uint64_t callout_when_ns(int64_t sbt, int flags);
}
