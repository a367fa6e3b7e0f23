// The fuzzer's oracles: Program ops (kernel_model/program.h, kExtension)
// for bugs that crash nothing, placed by the generator (fuzz/decode.cc)
// from what a driver's description declares. The Program interpreter stays
// neutral; these are looked up by name when a stored Program is converted
// (runner/program_proto.cc).
//
//  assert_range  a0 = value, a1 = min, a2 = max; path = oracle label: an
//                error result (value or min < 0: the value was not there to
//                check) passes, any other outside [min, max] fails as
//                "scenario:oracle:<label>" (no thread or call in the
//                signature, so one bug is one finding)
//  solo_mark     (no args) -> a token for assert_claim: the system calls the
//                other threads had entered, or -1 when another Program
//                thread is inside one right now
//  assert_claim  a0 = token, a1 = claim, a2 = claimed, a3 = free,
//                a4 = the probe's ioctl command, a5... = probes; path =
//                oracle label: fails as "scenario:oracle:<label>" when
//                claim == claimed and some probe == free, provided the token
//                is this thread's, the claim and the probes are results of
//                this thread's calls made after the token in that order,
//                every system call this thread made between the claim and
//                here is one of the probes (an ioctl of that command), and
//                no other Program thread entered a system call since the
//                token; else passes. A stateful oracle's window: a claim
//                such as "no minor is free" (EAGAIN) checked against probes
//                made after it, valid only while nobody could change the state.
#pragma once

#include <string>

#include "kernel_model/program.h"

namespace ks::runner {

// The oracle op of that name, or null.
const km::OpExtension* fuzz_oracle(const std::string& name);

}  // namespace ks::runner
