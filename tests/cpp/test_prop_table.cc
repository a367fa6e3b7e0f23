// The illumos personality's property table (illumos/prop_table.h) against
// the ordered map of (dev, name) it replaced: after every update and
// removal the same entries in the same order, so a DDI_DEV_T_ANY lookup
// (the first match in that order) finds what it found before; a copy and
// an assignment (a boot image's save and restore) carry the live entries
// only.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "kernel_model/illumos/prop_table.h"

namespace {

using ks::km::illumos::PropTable;
using Map = std::map<std::pair<uint64_t, std::string>, int64_t>;

std::vector<std::pair<std::pair<uint64_t, std::string>, int64_t>> entries(
    const PropTable<int64_t>& t) {
  std::vector<std::pair<std::pair<uint64_t, std::string>, int64_t>> v;
  for (auto& e : t) v.push_back({{e.dev, e.name}, e.value});
  return v;
}

std::vector<std::pair<std::pair<uint64_t, std::string>, int64_t>> entries(const Map& m) {
  return {m.begin(), m.end()};
}

TEST(PropTable, OrdersAndFindsAsTheMapOfDevAndName) {
  // Names that share prefixes and differ in length and case, so the
  // order is the string compare's, not the length's.
  const std::vector<std::string> names = {"Size", "Nblocks", "size", "Si", "Size2",
                                          "a-name-longer-than-fifteen-bytes", ""};
  for (unsigned seed : {1u, 2u, 99u}) {
    std::mt19937 rng(seed);
    PropTable<int64_t> t;
    Map m;
    for (int step = 0; step < 2000; step++) {
      uint64_t dev = rng() % 4;
      const std::string& name = names[rng() % names.size()];
      switch (rng() % 4) {
        case 0: case 1: {
          int64_t v = static_cast<int64_t>(rng());
          t.get(dev, name) = v;
          m[{dev, name}] = v;
          break;
        }
        case 2: {
          auto it = t.find(dev, name);
          auto mit = m.find({dev, name});
          ASSERT_EQ(it == t.end(), mit == m.end()) << "step " << step;
          if (it != t.end()) {
            EXPECT_EQ(it->value, mit->second);
            t.erase(it);
            m.erase(mit);
          }
          break;
        }
        default:
          if (rng() % 50 == 0) {
            t.clear();
            m.clear();
          }
      }
      ASSERT_EQ(entries(t), entries(m)) << "seed " << seed << " step " << step;
    }
  }
}

TEST(PropTable, CopyAndAssignmentCarryTheLiveEntries) {
  PropTable<int64_t> t;
  t.get(1, "Size") = 10;
  t.get(1, "Nblocks") = 20;
  t.get(2, "Size") = 30;
  PropTable<int64_t> saved(t);  // an image's copy
  t.erase(t.find(1, "Size"));
  t.get(3, "Other") = 40;
  t.erase(t.find(2, "Size"));
  EXPECT_EQ(t.size(), 2u);
  t = saved;  // the restore
  Map want = {{{1, "Nblocks"}, 20}, {{1, "Size"}, 10}, {{2, "Size"}, 30}};
  EXPECT_EQ(entries(t), entries(want));
  EXPECT_EQ(entries(saved), entries(want));
  t.clear();
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t.find(1, "Size"), t.end());
  t.get(1, "Size") = 5;  // made again from a spare entry, value fresh
  EXPECT_EQ(t.find(1, "Size")->value, 5);
  EXPECT_EQ(t.get(2, "New"), 0);
}

}  // namespace
