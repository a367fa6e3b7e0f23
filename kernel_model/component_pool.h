// Component state recycled on its host thread (issue 14, "reset in
// place"). A reset World drops the components its set-up made after the
// boot (processes, backing files) and makes them again at first use; made
// through here, the new one is an old one that no World holds any more,
// emptied in place by its recycle(): its containers keep their storage, so
// a warm loop allocates nothing for it. What a component holds is the same
// as a new one's: recycle() must leave it equal to T{} but for capacity.
#pragma once

#include <memory>
#include <vector>

namespace ks::km {

template <class T>
std::shared_ptr<T> pooled_component() {
  // Few Worlds live on one host thread at a time (a kept one, a new one
  // made meanwhile): a small pool, searched in order.
  constexpr size_t kMax = 4;
  // initial-exec: general-dynamic, each component's first use in an
  // execution was a __tls_get_addr call (the Python extension is dlopen'ed).
  thread_local std::vector<std::shared_ptr<T>> pool __attribute__((tls_model("initial-exec")));
  for (auto& p : pool)
    if (p.use_count() == 1) {
      p->recycle();
      return p;
    }
  auto p = std::make_shared<T>();
  if (pool.size() < kMax) pool.push_back(p);
  return p;
}

}  // namespace ks::km
