// sysctl(9) for drivers (sys/sysctl.h for the rules): the dynamic oids a
// context owns, and the handlers' copies between a request's buffers.
#include <cerrno>
#include <cstring>

extern "C" {
#include <sys/counter.h>
#include <sys/malloc.h>
#include <sys/sysctl.h>
}

namespace {
// The value's old contents out, then the new in (FreeBSD's handlers:
// arg1 names the variable, or arg2 is a read-only constant).
template <class T>
int handle(void* arg1, intmax_t arg2, struct sysctl_req* req) {
  T v = arg1 ? *static_cast<T*>(arg1) : static_cast<T>(arg2);
  if (int e = ks_fb_sysctl_out(req, &v, sizeof v)) return e;
  if (!req->newptr) return 0;
  if (!arg1) return EPERM;
  if (int e = ks_fb_sysctl_in(req, &v, sizeof v)) return e;
  *static_cast<T*>(arg1) = v;
  return 0;
}
}  // namespace

extern "C" {

struct sysctl_oid_list ks_fb_sysctl_static_children = {nullptr};

int sysctl_ctx_init(struct sysctl_ctx_list* ctx) {
  if (!ctx) return EINVAL;
  ctx->ks_oids = nullptr;
  return 0;
}

int sysctl_ctx_free(struct sysctl_ctx_list* ctx) {
  if (!ctx) return EINVAL;
  while (struct sysctl_oid* o = ctx->ks_oids) {
    ctx->ks_oids = o->ks_next;
    ks_kmem_free(o, sizeof *o, "sysctl_ctx_free");
  }
  return 0;
}

struct sysctl_oid* ks_fb_sysctl_add(struct sysctl_ctx_list* ctx, struct sysctl_oid_list* parent,
                                    const char* name, int kind, void* arg1, intmax_t arg2,
                                    sysctl_handler_t* handler, const char* descr) {
  if (!parent || !name) return nullptr;  // as FreeBSD's sysctl_add_oid refuses them
  auto* o = static_cast<struct sysctl_oid*>(
      ks_kmem_alloc(sizeof(struct sysctl_oid), KS_KM_SLEEP | KS_KM_ZERO, "sysctl_oid"));
  o->oid_name = name;
  o->oid_kind = kind | CTLFLAG_DYN;
  o->oid_arg1 = arg1;
  o->oid_arg2 = arg2;
  o->oid_handler = handler;
  o->oid_descr = descr;
  if (ctx) {
    o->ks_next = ctx->ks_oids;
    ctx->ks_oids = o;
  }
  return o;
}

int ks_fb_sysctl_out(struct sysctl_req* req, const void* p, size_t len) {
  if (req->oldptr) {
    if (req->oldidx + len > req->oldlen) return ENOMEM;
    std::memcpy(static_cast<char*>(req->oldptr) + req->oldidx, p, len);
  }
  req->oldidx += len;
  return 0;
}

int ks_fb_sysctl_in(struct sysctl_req* req, void* p, size_t len) {
  if (!req->newptr) return 0;
  if (req->newidx + len > req->newlen) return EINVAL;
  std::memcpy(p, static_cast<const char*>(req->newptr) + req->newidx, len);
  req->newidx += len;
  return 0;
}


int sysctl_handle_int(struct sysctl_oid*, void* arg1, intmax_t arg2, struct sysctl_req* req) {
  return handle<int>(arg1, arg2, req);
}
int sysctl_handle_long(struct sysctl_oid*, void* arg1, intmax_t arg2, struct sysctl_req* req) {
  return handle<long>(arg1, arg2, req);
}
int sysctl_handle_64(struct sysctl_oid*, void* arg1, intmax_t arg2, struct sysctl_req* req) {
  return handle<int64_t>(arg1, arg2, req);
}

int sysctl_handle_string(struct sysctl_oid*, void* arg1, intmax_t arg2, struct sysctl_req* req) {
  char* s = static_cast<char*>(arg1);
  if (int e = ks_fb_sysctl_out(req, s, std::strlen(s) + 1)) return e;
  if (!req->newptr) return 0;
  size_t n = req->newlen - req->newidx;
  if (arg2 <= 0 || n >= static_cast<size_t>(arg2)) return EINVAL;
  if (int e = ks_fb_sysctl_in(req, s, n)) return e;
  s[n] = '\0';
  return 0;
}

int sysctl_handle_opaque(struct sysctl_oid*, void* arg1, intmax_t arg2, struct sysctl_req* req) {
  size_t n = static_cast<size_t>(arg2);
  if (int e = ks_fb_sysctl_out(req, arg1, n)) return e;
  return ks_fb_sysctl_in(req, arg1, n);
}

// counter(9)'s handlers (FreeBSD's subr_counter.c, checked): arg1 points
// at the counter_u64_t (an array of arg2 of them); the sums go out, and a
// request carrying a new value zeroes the counters, whatever the value.
int sysctl_handle_counter_u64(SYSCTL_HANDLER_ARGS) {
  (void)oidp;
  (void)arg2;
  uint64_t out = counter_u64_fetch(*static_cast<counter_u64_t*>(arg1));
  if (int e = ks_fb_sysctl_out(req, &out, sizeof out)) return e;
  if (!req->newptr) return 0;
  counter_u64_zero(*static_cast<counter_u64_t*>(arg1));
  return 0;
}

int sysctl_handle_counter_u64_array(SYSCTL_HANDLER_ARGS) {
  (void)oidp;
  counter_u64_t* c = static_cast<counter_u64_t*>(arg1);
  for (intmax_t i = 0; i < arg2; i++) {
    uint64_t out = counter_u64_fetch(c[i]);
    if (int e = ks_fb_sysctl_out(req, &out, sizeof out)) return e;
  }
  if (!req->newptr) return 0;
  for (intmax_t i = 0; i < arg2; i++) counter_u64_zero(c[i]);
  return 0;
}

}  // extern "C"
