// rand(3), random(3) and their seeding for a resource manager (qnx/stdlib.h):
// the World's generator on the personality's per-World state, restored with
// the boot image, so every execution draws what its replay draws.
#include "kernel_model/det_random.h"
#include "kernel_model/qnx/state.h"

namespace {
uint64_t& rng() { return ks::km::qnx::state(*ks::km::World::current()).rng; }
void seed(unsigned int s) { rng() = s ? s : ks::km::kDetRandomSeed; }
}  // namespace

extern "C" {
int ks_qnx_rand(void) { return static_cast<int>(ks::km::det_random_next(rng()) >> 33); }  // 31 bits
void ks_qnx_srand(unsigned int s) { seed(s); }
long ks_qnx_random(void) { return static_cast<long>(ks::km::det_random_next(rng()) >> 33); }
void ks_qnx_srandom(unsigned int s) { seed(s); }
}  // extern "C"
