// The kernel-memory arena: one fixed host range per process, split into
// slots, one slot per live World (the lowest free one: Worlds that run one
// after another always get slot 0, hence the same addresses).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ks::km {

constexpr uint64_t kKmemSlotSize = 512ull << 20;
// The top of each slot is not kmem's: it holds the records a personality
// hands drivers for the kernel's own objects (a FreeBSD struct thread,
// proc, ucred), so that their addresses are as fixed as kmem's (a driver
// may hash or order them). Their contents come from the World's state each
// time they are handed out, so the boot image needs no copy of them.
constexpr uint64_t kRecordsSize = 4ull << 20;
// Each personality that keeps records has its own half (a World may load
// drivers of both): FreeBSD the first, illumos the second.
constexpr uint64_t kRecordsHalf = kRecordsSize / 2;
constexpr uint64_t kKmemSize = kKmemSlotSize - kRecordsSize;

// Claims a slot: its base, or null if every slot is taken.
char* kmem_arena_claim(int* slot);
void kmem_arena_release(int slot);
// Makes [base, base + len) of a claimed slot readable and writable (len
// at most kKmemSize).
bool kmem_arena_commit(int slot, uint64_t len);
// The records area of a claimed slot (kRecordsSize bytes, readable and
// writable), or null if it cannot be committed.
char* kmem_arena_records(int slot);

}  // namespace ks::km
