// Lock-class rules at class-specific entry points (lock_class.h). The checks
// come before the operation's scheduling point: the call itself is wrong,
// whatever the interleaving.
#include "kernel_model/lock_class.h"

#include <string>

#include "kernel_model/code_site.h"

namespace ks::km {

namespace {
// `at`: the driver's call, `also`: lines that follow (the spin mutex held).
[[noreturn]] void class_misuse(World& w, ObjId m, const char* op, const std::string& why,
                               const std::string& sig, uintptr_t at = 0,
                               const std::string& also = {}) {
  w.misuse(std::string(op) + " of " + w.name(m) + ": " + why + " (thread " +
               w.thread_name(w.self_tid()) + ")" +
               (at ? std::string("\n  ") + op + " call" + at_site(at) : std::string()) + also,
           sig + ":" + w.name(m));
}

[[noreturn, gnu::cold]] void sleep_mutex_under_spin(World& w, ObjId m, const char* op,
                                                    uintptr_t at) {
  KThread& k = w.self();
  std::string also;
  for (int i = k.nheld - 1; i >= 0; i--)
    if (w.obj(k.held[i]).spin) {
      also = "\n  with the spin mutex held:" + w.held_line(k, i);
      break;
    }
  class_misuse(w, m, op, "a blockable sleep mutex acquired with a spin mutex held",
               std::string("sleep_with_spin:") + op, at, also);
}

void check_class(World& w, ObjId m, bool spin, const char* op, const char* right_op) {
  bool is_spin = w.obj(m).spin;
  if (__builtin_expect(spin != is_spin, 0))
    class_misuse(w, m, op,
                 std::string(is_spin ? "a spin mutex needs " : "a sleep mutex needs ") + right_op,
                 std::string(op) + (is_spin ? "_of_spin_mutex" : "_of_sleep_mutex"));
}
}  // namespace

void mutex_enter_class(World& w, ObjId m, bool spin, const char* op, const char* right_op,
                       uintptr_t at) {
  check_class(w, m, spin, op, right_op);
  // A blockable mutex may block, which a spin section forbids, even when
  // this acquisition happens not to contend.
  KObject& o = w.obj(m);
  if (__builtin_expect(!o.spin && o.class_checked && w.self().spin_held > 0, 0))
    sleep_mutex_under_spin(w, m, op, at);
  w.mutex_enter(m, at);
}

void mutex_exit_class(World& w, ObjId m, bool spin, const char* op, const char* right_op) {
  check_class(w, m, spin, op, right_op);
  w.mutex_exit(m);
}

}  // namespace ks::km
