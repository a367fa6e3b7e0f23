// Bytes -> (Program, schedule) against a driver's ioctl description: the
// libFuzzer/AFL++ entry points' input format. Total and deterministic: any
// byte string decodes, the same way every time, into a Program that passes
// program_check (bad fds, bad pointers, unknown commands and out-of-range
// fields are generated on purpose, and the World answers them with errors).
//
// Layout: 5 header bytes (strategy: bit 0-1 == 3 random, else PCT, depth
// 1 + (byte >> 2) % 3; then the seed, 32 bits little-endian), then records
// until the input ends (at most kMaxRecords). A record is a thread byte (the
// thread index mod 3; a new thread when past the last), an action byte, and
// the action's own bytes: a described ioctl (with the open, mmap and struct
// pokes it needs, pointers and resources inside the struct chained with
// poke_int, and the description's oracles), a read/write of a node
// described with rw, or a close/munmap of an fd/buffer of this thread or an
// earlier one (the race), or, when the description asks for it
// (`modunload: true`), the described driver's unload, or (`signals: true`)
// a signal to another thread (SIGINT, or SIGKILL to t2, alone in its
// process), or, when it describes sysctl knobs, a read or write of one
// (action 10, which is an ioctl for a description without knobs, so their
// decodings are as before). The same decoder is
// kernsim fuzz's generator (fuzz/mutate.h): there its bytes come from a
// seeded generator.
// poll, kqueue and kevent are not generated: a driver's ioctl description
// says nothing of its readiness, so a decoded waiter would have no
// producer that the description promises, and an infinite wait is a
// scenario's question (a reader and its writer), not a generated one's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/arena.h>

#include "fuzz/bytes.h"
#include "fuzz/desc.h"
#include "kernsim.pb.h"
#include "runner/strategy_spec.h"

namespace ks::fuzz {

constexpr size_t kHeaderBytes = 5;
constexpr size_t kMaxRecords = 64;
constexpr int kMaxThreads = 3;
constexpr int kMaxCalls = 40;  // per thread; a record started below it completes

// The Program lives on an arena of its own: a decoding builds hundreds of
// small messages (a mutant is decoded twice or more before it runs), and
// allocating each one from the heap, then freeing each, was a fifth of a
// lofi fuzz campaign.
class Decoded {
 public:
  Decoded() = default;  // empty: only to be assigned a decoding
  static Decoded fresh();
  const kernsim::Program& program() const { return *program_; }
  kernsim::Program& program() { return *program_; }

  runner::StrategySpec schedule;  // pct or random, with its seed and depth
  std::vector<std::pair<size_t, size_t>> records;  // each record's bytes [begin, end)

 private:
  std::unique_ptr<google::protobuf::Arena> arena_;
  kernsim::Program* program_ = nullptr;  // on arena_
};

class Decoder {
 public:
  // `desc` must have passed parse_description and outlive the decoder.
  Decoder(const kernsim::DriverDescription& desc, std::string variant);
  Decoded decode(const uint8_t* data, size_t size) const;
  // `prefix` (whole records: a record's begin from decode(), or empty) and
  // the bytes of `records` more records drawn from rng, as they decode
  // after it; fewer when the prefix already holds close to kMaxRecords.
  std::string extend(const std::string& prefix, size_t records, Rng& rng) const;
  const kernsim::DriverDescription& description() const { return d_; }
  const std::string& variant() const { return variant_; }

 private:
  friend struct Build;
  const kernsim::DriverDescription& d_;
  std::string variant_;
  std::string module_;  // the described driver's registered name (modunload)
  std::vector<Layout> layouts_;  // per ioctl
};

}  // namespace ks::fuzz
