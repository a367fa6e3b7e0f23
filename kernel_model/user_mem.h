// User address spaces (DESIGN.md, User memory).
//
// A process's user addresses are simulated addresses inside one host range
// that is reserved PROT_NONE (at a fixed address below 4 GiB, so ILP32
// callers' addresses fit and every run sees the same addresses). The pages
// a process maps are backed by separate host memory that the World owns;
// copyin/copyout translate page by page (each page a scheduling point, so a
// concurrent munmap/mprotect can land in the middle of a copy) and return
// EFAULT for a hole or a protection mismatch. A driver that dereferences a
// user address directly faults on the reserved range, and the fault is
// reported as exactly that (describe_user_fault).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace ks::km {

class World;
struct Proc;

constexpr uint64_t kUserPage = 4096;
constexpr int kProtRead = 1, kProtWrite = 2;

struct UserPage {
  unsigned char* mem;  // host backing, kUserPage bytes
  int prot;            // kProtRead | kProtWrite
};

struct AddressSpace {
  std::map<uint64_t, UserPage> pages;  // by page-aligned user address
  uint64_t next_map = 0;               // where the next mmap without a hint goes
  ~AddressSpace();
};

// Maps len bytes (rounded up to pages) zero-filled at `hint` if non-zero and
// free, else at the next free place; returns the address or 0 (ENOMEM/EINVAL
// in *err).
uint64_t as_map(World& w, Proc& p, uint64_t hint, uint64_t len, int prot, int* err);
int as_unmap(World& w, Proc& p, uint64_t addr, uint64_t len);
int as_protect(World& w, Proc& p, uint64_t addr, uint64_t len, int prot);

// The kernel copying to and from the current thread's process (or `p`).
// Each page is a scheduling point. Return 0 or EFAULT.
int copyin(World& w, Proc& p, uint64_t uaddr, void* kaddr, size_t len);
int copyout(World& w, Proc& p, const void* kaddr, uint64_t uaddr, size_t len);
// Copies a NUL-terminated string of at most `max` bytes including the NUL;
// ENAMETOOLONG if there is none within max, EFAULT on a hole. *done gets
// the bytes copied including the NUL.
int copyinstr(World& w, Proc& p, uint64_t uaddr, char* kaddr, size_t max, size_t* done);

// The user process itself touching its memory (a scenario writing an ioctl
// argument): no protection check beyond "mapped", a scheduling point per
// page, EFAULT for a hole.
int user_write(World& w, Proc& p, uint64_t uaddr, const void* src, size_t len);
int user_read(World& w, Proc& p, uint64_t uaddr, void* dst, size_t len);

// Base and size of the reserved host range; user addresses are host
// addresses in it.
uint64_t user_range_base();
uint64_t user_range_size();

// Describes a host fault address that lies in the reserved user range: a
// driver dereferenced a user address directly (the missing-copyin bug).
bool describe_user_fault(World& w, uintptr_t addr, std::string* what, std::string* sig);

}  // namespace ks::km
