// A driver's ioctl description (drivers/<name>/<name>.ioctl.txtpb, message
// DriverDescription) loaded in C++ for the libFuzzer/AFL++ entry points.
// The only checks of a description (python/kernsim/fuzz_desc.py calls them
// through kernsim._core): errors name the file and the field ("ioctl[1]
// (LOFI_MAP_FILE).field[2].size: ..."), and the decoder (decode.h) can rely
// on every reference and size it reads.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "kernsim.pb.h"

namespace ks::fuzz {

// Parses and checks; throws std::invalid_argument "<path>: <field>: <why>".
kernsim::DriverDescription parse_description(const std::string& text, const std::string& path);
// The same checks of a description already parsed (its binary form sent
// from Python); `path` names it in the errors.
void check_description(const kernsim::DriverDescription& d, const std::string& path);

// The argument struct's fields with their offsets (natural alignment of
// integer fields, as the C compiler lays it out on LP64) and its size.
struct Layout {
  std::vector<std::pair<const kernsim::FuzzField*, uint32_t>> fields;
  uint32_t size = 0;
};
Layout field_layout(const kernsim::FuzzIoctl& io);

}  // namespace ks::fuzz
