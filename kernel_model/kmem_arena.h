// The kernel-memory arena: one fixed host range per process, split into
// slots, one slot per live World (the lowest free one: Worlds that run one
// after another always get slot 0, hence the same addresses).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ks::km {

constexpr uint64_t kKmemSlotSize = 512ull << 20;

// Claims a slot: its base, or null if every slot is taken.
char* kmem_arena_claim(int* slot);
void kmem_arena_release(int slot);
// Makes [base, base + len) of a claimed slot readable and writable.
bool kmem_arena_commit(int slot, uint64_t len);

}  // namespace ks::km
