// Per-instance driver state: zeroed records indexed by instance number, in
// a table that grows on demand (illumos's soft state; a FreeBSD driver's
// softc per unit is the same idea). Every piece is kernel memory under the
// personality's tags, so an instance a driver never frees, or a table it
// never finishes, is reported as a leak under the name the driver used.
// Allocating and freeing an instance are scheduling points
// (kEvInstanceState): a lookup is lock-free and has none.
#pragma once

#include <cstddef>

#include "kernel_model/world.h"

namespace ks::km {

// The kmem tags of a table's pieces, as the personality names them.
struct InstanceTags {
  const char* table;  // the table record
  const char* slots;  // its array of slots
  const char* item;   // an instance's record
  const char* free;   // freeing an instance
  const char* fini;   // freeing the table
  const char* regrow; // freeing a superseded slot array
};

// Opaque; three words of kmem (the tags are passed to each call, not kept).
struct InstanceTable;

InstanceTable* instances_init(World& w, size_t size, size_t n_items, const InstanceTags* tags);
// False when the instance is taken or the table or number is bad; never
// for want of memory. May sleep (a KM_SLEEP allocation).
bool instances_zalloc(World& w, InstanceTable* t, int item, const InstanceTags* tags);
void* instances_get(InstanceTable* t, int item);
void instances_free(World& w, InstanceTable* t, int item, const InstanceTags* tags);
// Instances still allocated stay allocated: the leak check names them.
void instances_fini(World& w, InstanceTable* t, const InstanceTags* tags);

}  // namespace ks::km
