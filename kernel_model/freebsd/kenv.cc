// The kernel environment (getenv(9)): loader tunables and hints. None are
// set in a simulated boot, so every lookup finds nothing and a driver takes
// its defaults, as on a machine booted without them; kern_setenv is not
// modelled (-1, as FreeBSD returns when it cannot set).
extern "C" {
#include <sys/systm.h>
}

extern "C" {

char* ks_fb_getenv(const char*) { return nullptr; }
void ks_fb_freeenv(char*) {}
int ks_fb_testenv(const char*) { return 0; }
int ks_fb_setenv(const char*, const char*) { return -1; }
int ks_fb_unsetenv(const char*) { return -1; }
int ks_fb_getenv_int(const char*, int*) { return 0; }
int ks_fb_getenv_uint(const char*, unsigned*) { return 0; }
int ks_fb_getenv_long(const char*, long*) { return 0; }
int ks_fb_getenv_ulong(const char*, unsigned long*) { return 0; }
int ks_fb_getenv_quad(const char*, int64_t*) { return 0; }
int ks_fb_getenv_string(const char*, char*, int) { return 0; }
int ks_fb_getenv_bool(const char*, bool*) { return 0; }
bool ks_fb_getenv_is_true(const char*) { return false; }
bool ks_fb_getenv_is_false(const char*) { return false; }

}  // extern "C"
