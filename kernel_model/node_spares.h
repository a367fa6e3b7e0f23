// Map nodes kept for reuse. A component's ordered map whose entries come
// and go in every execution (devsw's opens and last closes, the backing
// files) paid a heap allocation and a free per entry; with the nodes it
// erased kept aside (C++17 node handles: a node keeps its allocation when
// extracted) the next insertion reuses one. The map is the same map:
// ordered, its entries stable in memory while they are in it. The spares
// are storage, not state: a copy of the record that holds them (a boot
// image's) starts with none, and an assignment keeps the target's.
#pragma once

#include <utility>
#include <vector>

namespace ks::km {

template <class Map>
class NodeSpares {
 public:
  using key_type = typename Map::key_type;
  using mapped_type = typename Map::mapped_type;

  NodeSpares() = default;
  NodeSpares(const NodeSpares&) {}
  NodeSpares& operator=(const NodeSpares&) { return *this; }

  // m[key], made from a kept node (its value reset to `fresh`) if absent.
  mapped_type& get(Map& m, const key_type& key, const mapped_type& fresh = mapped_type{}) {
    auto it = m.find(key);
    if (it != m.end()) return it->second;
    if (spare_.empty()) return m.emplace(key, fresh).first->second;
    auto nh = std::move(spare_.back());
    spare_.pop_back();
    nh.key() = key;
    nh.mapped() = fresh;
    return m.insert(std::move(nh)).position->second;
  }
  // m.erase(it), keeping the node.
  void erase(Map& m, typename Map::iterator it) { spare_.push_back(m.extract(it)); }
  // Empties m, keeping its nodes.
  void clear(Map& m) {
    while (!m.empty()) spare_.push_back(m.extract(m.begin()));
  }

 private:
  std::vector<typename Map::node_type> spare_;
};

}  // namespace ks::km
