// random_get_bytes(9F) and random_get_pseudo_bytes(9F) (sys/random.h for
// the rules): the World's generator (det_random.h) on the personality's
// per-World state, restored with a boot image like the rest of it.
#include "kernel_model/det_random.h"
#include "kernel_model/illumos/il_state.h"

extern "C" {
#include <sys/random.h>
}

extern "C" {

int random_get_bytes(uint8_t* p, size_t len) {
  ks::km::det_random_fill(ks::km::illumos::il_state(*ks::km::World::current()).rng, p, len);
  return 0;
}
int random_get_pseudo_bytes(uint8_t* p, size_t len) { return random_get_bytes(p, len); }

}  // extern "C"
