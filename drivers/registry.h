// Registers every driver kernsim ships (and the personalities they need)
// with the kernel model's registry. Idempotent; call once at start-up.
#pragma once

void ks_register_all_drivers();
