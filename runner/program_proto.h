// A stored Program (kernsim.proto) to the kernel model's Program. Errors
// name the field: "thread[0].call[2].op: unknown op 'iocl'".
#pragma once

#include <string>

#include "kernel_model/program.h"
#include "kernsim.pb.h"

namespace ks::runner {

// Throws std::invalid_argument on a malformed Program.
km::Program program_from_proto(const kernsim::Program& p);

}  // namespace ks::runner
