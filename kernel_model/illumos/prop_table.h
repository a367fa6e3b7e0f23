// A dev_info's properties by (dev, name), in the order an ordered map of (dev, name) keeps them: a
// DDI_DEV_T_ANY lookup finds the first in that order. A sorted vector, not
// a map: a driver that sets and removes its properties per mapping (lofi's
// Size and Nblocks) paid a map node's search, insertion and rebalance per
// call, about 2 k instructions of a 50 k one lofi execution. Erased entries
// stay past the live ones, their strings' storage kept for the next
// insertion; they are storage, not state: a copy holds only live entries,
// and an assignment keeps the target's spare ones.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ks::km::illumos {

// A property as illumos keeps one: its type (DDI_PROP_TYPE_*; the older
// ddi_prop_create makes DDI_PROP_TYPE_ANY) and its encoded bytes: ints and
// int64s in native order one after another, strings each with its NUL,
// bytes as given. A typed lookup sees only properties of its type.
struct PropValue {
  uint32_t type = 0;
  bool undefined = false;  // ddi_prop_undefine's marker (DDI_PROP_UNDEF_IT)
  std::string bytes;
  void clear() {
    type = 0;
    undefined = false;
    bytes.clear();
  }
  bool operator==(const PropValue&) const = default;
};

template <class V>
class PropTable {
 public:
  struct Entry {
    uint64_t dev = 0;
    std::string name;
    V value{};
  };

  PropTable() = default;
  PropTable(const PropTable& o) : e_(o.e_.begin(), o.e_.begin() + o.n_), n_(o.n_) {}
  PropTable& operator=(const PropTable& o) {
    if (this == &o) return *this;
    if (e_.size() < o.n_) e_.resize(o.n_);
    for (size_t i = 0; i < o.n_; i++) e_[i] = o.e_[i];  // a string keeps its storage
    n_ = o.n_;
    return *this;
  }

  Entry* begin() { return e_.data(); }
  Entry* end() { return e_.data() + n_; }
  const Entry* begin() const { return e_.data(); }
  const Entry* end() const { return e_.data() + n_; }
  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }

  // The entry of exactly (dev, name), or end().
  Entry* find(uint64_t dev, std::string_view name) {
    Entry* e = lower(dev, name);
    return e != end() && e->dev == dev && e->name == name ? e : end();
  }
  // The value of (dev, name), made (value-initialised) if absent.
  V& get(uint64_t dev, std::string_view name) {
    Entry* e = lower(dev, name);
    if (e != end() && e->dev == dev && e->name == name) return e->value;
    size_t at = static_cast<size_t>(e - begin());
    if (n_ == e_.size()) e_.emplace_back();
    // The spare entry just past the live ones becomes the new one, then
    // moves down to its place (moves of strings: no allocation).
    Entry& fresh = e_[n_];
    fresh.dev = dev;
    fresh.name.assign(name.data(), name.size());
    if constexpr (std::is_arithmetic_v<V>)
      fresh.value = V{};
    else
      fresh.value.clear();  // a value's storage kept, as the name's
    for (size_t i = n_; i > at; i--) std::swap(e_[i], e_[i - 1]);
    n_++;
    return e_[at].value;
  }
  // Removes e (from find), keeping its storage past the live entries.
  void erase(Entry* e) {
    for (size_t i = static_cast<size_t>(e - begin()); i + 1 < n_; i++) std::swap(e_[i], e_[i + 1]);
    n_--;
  }
  void clear() { n_ = 0; }

 private:
  // The first live entry not ordered before (dev, name), as std::pair's <
  // orders (dev, std::string) keys.
  Entry* lower(uint64_t dev, std::string_view name) {
    Entry* e = begin();
    while (e != end() && (e->dev < dev || (e->dev == dev && std::string_view(e->name) < name)))
      ++e;
    return e;
  }

  std::vector<Entry> e_;
  size_t n_ = 0;  // live entries: e_[0, n_)
};

}  // namespace ks::km::illumos
