#include "fuzz/mutate.h"

#include <algorithm>

namespace ks::fuzz {

namespace {

using Records = std::vector<std::pair<size_t, size_t>>;

constexpr uint8_t kCloseAction = 13;   // decode.cc: action byte % 16
constexpr uint8_t kMunmapAction = 14;
constexpr int kMutantCalls = 64;

Records records_of(const Decoder& dec, const std::string& in) {
  return dec.decode(reinterpret_cast<const uint8_t*>(in.data()), in.size()).records;
}

// Where a record inserted before record `i` goes (i == n: at the end).
size_t boundary(const Records& r, const std::string& in, size_t i) {
  return i < r.size() ? r[i].first : std::max(in.size(), kHeaderBytes);
}

std::string padded(std::string in) {
  if (in.size() < kHeaderBytes) in.resize(kHeaderBytes, '\0');
  return in;
}

}  // namespace

uint32_t Mutator::seed_of(const std::string& in) {
  uint32_t s = 0;
  for (int i = 0; i < 4; i++)
    s |= uint32_t{static_cast<uint8_t>(in.size() > size_t(1 + i) ? in[1 + i] : 0)} << (8 * i);
  return s;
}

std::string Mutator::with_seed(std::string in, uint32_t seed) {
  in = padded(std::move(in));
  for (int i = 0; i < 4; i++) in[1 + i] = static_cast<char>(seed >> (8 * i));
  return in;
}

std::string Mutator::generate(Rng& rng) const { return dec_.extend("", 1 + rng.below(8), rng); }

Mutator::Parsed Mutator::parsed(const Decoded& d) {
  Parsed p{d.records, 0};
  for (const auto& t : d.program().thread()) p.calls += t.call_size();
  return p;
}

std::string Mutator::mutate(const std::string& input, const std::string& other, Rng& rng,
                            Decoded* decoded, const Parsed* input_parsed,
                            const Parsed* other_parsed) const {
  static const int kRounds[] = {1, 1, 1, 2, 3};
  std::string in = padded(input);
  // `in`'s records and calls: the caller's until a round changes them.
  Parsed now;
  const Parsed* known = input_parsed;
  for (int round = kRounds[rng.below(5)]; round > 0; round--) {
    if (rng.chance(1, 10)) {  // another schedule: strategy and PCT depth
      in[0] = static_cast<char>(rng.byte());
      continue;
    }
    if (!known) now = parsed(dec_.decode(reinterpret_cast<const uint8_t*>(in.data()), in.size()));
    const Records& r = known ? known->records : now.records;
    int calls = known ? known->calls : now.calls;
    known = nullptr;
    // Weights: insert 6, redraw 4, tweak 3, remove 3, move 2, copy 3,
    // close/munmap 4, splice 1. A program of kMutantCalls calls or more
    // only loses records: mutants stay about the size that finds bugs
    // (longer ones run slower and mostly repeat themselves).
    uint32_t w = calls >= kMutantCalls ? 13 + rng.below(3) : rng.below(26);
    if (r.empty() && w >= 6) w = 0;  // nothing to change: insert
    if (w < 6) {  // one or two new records at a record boundary
      size_t at = boundary(r, in, rng.below(static_cast<uint32_t>(r.size() + 1)));
      std::string rest = in.substr(std::min(at, in.size()));
      in = dec_.extend(in.substr(0, at), 1 + rng.below(2), rng) + rest;
    } else if (w < 10) {  // a record drawn afresh in place (new arguments)
      auto [b, e] = r[rng.below(static_cast<uint32_t>(r.size()))];
      std::string rest = in.substr(e);
      in = dec_.extend(in.substr(0, b), 1, rng) + rest;
    } else if (w < 13) {  // one byte of a record: a field, a flag, a choice
      auto [b, e] = r[rng.below(static_cast<uint32_t>(r.size()))];
      if (e > in.size()) e = in.size();
      if (e <= b + 1) continue;
      size_t at = b + 1 + rng.below(static_cast<uint32_t>(e - b - 1));
      switch (rng.below(4)) {
        case 0: in[at] = static_cast<char>(rng.byte()); break;
        case 1: in[at] = static_cast<char>(in[at] ^ (1 << rng.below(8))); break;
        case 2: in[at] = 0; break;  // the ordinary choice
        default: in[at] = static_cast<char>(0xff - rng.below(8)); break;  // the rare ones
      }
    } else if (w < 16) {  // drop a record
      auto [b, e] = r[rng.below(static_cast<uint32_t>(r.size()))];
      in.erase(b, std::min(e, in.size()) - b);
    } else if (w < 18) {  // a run of records to another thread (the race moves)
      size_t i = rng.below(static_cast<uint32_t>(r.size()));
      size_t n = std::min<size_t>(r.size() - i, 1 + rng.below(4));
      char t = static_cast<char>(rng.below(kMaxThreads));
      for (size_t k = i; k < i + n; k++) in[r[k].first] = t;
    } else if (w < 21) {  // a record repeated (state that builds up: one more minor)
      auto [b, e] = r[rng.below(static_cast<uint32_t>(r.size()))];
      std::string copy = in.substr(b, std::min(e, in.size()) - b);
      if (copy.size() > 2 && rng.chance(1, 2))
        copy[2 + rng.below(static_cast<uint32_t>(copy.size() - 2))] = static_cast<char>(rng.byte());
      in.insert(std::min(e, in.size()), copy);
    } else if (w < 25) {  // a close or munmap, in any thread, anywhere
      size_t at = boundary(r, in, rng.below(static_cast<uint32_t>(r.size() + 1)));
      std::string rec = {static_cast<char>(rng.byte()),
                         static_cast<char>(rng.chance(1, 2) ? kCloseAction : kMunmapAction),
                         static_cast<char>(rng.byte()), static_cast<char>(rng.byte())};
      if (at > in.size()) in.resize(at, '\0');
      in.insert(at, rec);
    } else {  // a run of another corpus input's records
      Records o = other_parsed ? other_parsed->records : records_of(dec_, other);
      size_t at = boundary(r, in, rng.below(static_cast<uint32_t>(r.size() + 1)));
      if (o.empty()) continue;
      size_t i = rng.below(static_cast<uint32_t>(o.size()));
      size_t n = std::min<size_t>(o.size() - i, 1 + rng.below(4));
      size_t e = std::min(o[i + n - 1].second, other.size());
      if (at > in.size()) in.resize(at, '\0');
      in.insert(at, other.substr(o[i].first, e - o[i].first));
    }
  }
  // What the decoder would not read (past kMaxRecords) is not kept; the
  // decoding of what is kept is the same.
  Decoded d = dec_.decode(reinterpret_cast<const uint8_t*>(in.data()), in.size());
  const Records& r = d.records;
  if (r.size() >= kMaxRecords && r.back().second < in.size()) in.resize(r.back().second);
  if (decoded) *decoded = std::move(d);
  return in;
}

}  // namespace ks::fuzz
