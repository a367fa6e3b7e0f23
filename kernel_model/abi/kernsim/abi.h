/*
 * The personality-neutral C boundary of the kernel model (rump's rumpuser.h
 * faces the host; this faces the personalities). Every personality header
 * maps its real names and argument orders onto these calls, setting the
 * parameters where the real systems differ (a lock's flags), and adds no
 * semantics. Drivers never include this file themselves.
 *
 * `expr` arguments carry the driver's own spelling of the object ("&sc->sc_lock")
 * so reports name objects as the driver does.
 */
#ifndef KERNSIM_ABI_H
#define KERNSIM_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ks_handle {
	uint64_t v;
} ks_handle_t;

/* mutexes. flags: KS_MTX_SPIN a spin mutex; KS_MTX_NOSLEEP may not be held
 * across a sleep (non-sleepable locks, as FreeBSD's WITNESS checks);
 * KS_MTX_RECURSE the owner may enter again, each enter needing its exit
 * (FreeBSD's MTX_RECURSE); KS_MTX_CLASS_CHECKED taking a blockable one with
 * a spin lock held is misuse even uncontended (WITNESS judges the class,
 * not the contention); KS_MTX_DESTROY_UNLOCKS the owner may destroy it
 * held, which unlocks it (FreeBSD's mtx_destroy). With none of them (as
 * illumos) recursion and destroying a held mutex are misuse. */
#define KS_MTX_SPIN 1
#define KS_MTX_NOSLEEP 2
#define KS_MTX_RECURSE 4
#define KS_MTX_CLASS_CHECKED 8
#define KS_MTX_DESTROY_UNLOCKS 16
void ks_mutex_init(ks_handle_t *, const char *name, int flags, const char *expr);
void ks_mutex_enter(ks_handle_t *, const char *expr);
int ks_mutex_tryenter(ks_handle_t *, const char *expr);
void ks_mutex_exit(ks_handle_t *, const char *expr);
int ks_mutex_owned(ks_handle_t *, const char *expr);
int ks_mutex_held_by_anyone(ks_handle_t *, const char *expr);
void ks_mutex_destroy(ks_handle_t *, const char *expr);
/* held by the caller and entered more than once */
int ks_mutex_recursed(ks_handle_t *, const char *expr);
/* An enter or exit through an entry point that serves one class of mutex
 * (spin != 0: spin mutexes), where the real system has one per class: the
 * wrong class is misuse. op names the entry point, right_op the one the
 * other class needs, for the report. */
void ks_mutex_enter_class(ks_handle_t *, int spin, const char *op, const char *right_op,
    const char *expr);
void ks_mutex_exit_class(ks_handle_t *, int spin, const char *op, const char *right_op,
    const char *expr);

/* condition variables; waits return 0, EINTR or ETIMEDOUT (errno values) */
void ks_cv_init(ks_handle_t *, const char *name, const char *expr);
int ks_cv_wait(ks_handle_t *cv, ks_handle_t *mtx, int interruptible,
    uint64_t deadline_ns, const char *cv_expr, const char *mtx_expr);
void ks_cv_signal(ks_handle_t *, const char *expr);
void ks_cv_broadcast(ks_handle_t *, const char *expr);
void ks_cv_destroy(ks_handle_t *, const char *expr);

/* reader/writer locks (write != 0: as writer) */
void ks_rw_init(ks_handle_t *, const char *name, const char *expr);
/* flags: KS_RW_RECURSE the writer may enter exclusively again, each enter
 * needing its exit (FreeBSD's SX_RECURSE, RW_RECURSE) */
#define KS_RW_RECURSE 1
/* KS_RW_NOSLEEP: no sleep while it is held (FreeBSD's rw(9), a plain
 * rmlock(9): WITNESS's non-sleepable locks); KS_RW_SLEEPS: waiting for it
 * is a sleep, not a turnstile block (FreeBSD's sx(9), a sleepable rmlock) */
#define KS_RW_NOSLEEP 2
#define KS_RW_SLEEPS 4
void ks_rw_init_flags(ks_handle_t *, const char *name, int flags, const char *expr);
/* held as writer by the caller and entered exclusively more than once */
int ks_rw_recursed(ks_handle_t *, const char *expr);
void ks_rw_enter(ks_handle_t *, int write, const char *expr);
int ks_rw_tryenter(ks_handle_t *, int write, const char *expr);
void ks_rw_exit(ks_handle_t *, const char *expr);
int ks_rw_write_held(ks_handle_t *, const char *expr);
int ks_rw_read_held(ks_handle_t *, const char *expr);
int ks_rw_tryupgrade(ks_handle_t *, const char *expr);
void ks_rw_downgrade(ks_handle_t *, const char *expr);
void ks_rw_destroy(ks_handle_t *, const char *expr);

/* counting semaphores; p_sig returns EINTR when a signal interrupts */
void ks_sema_init(ks_handle_t *, unsigned count, const char *name, const char *expr);
void ks_sema_p(ks_handle_t *, const char *expr);
int ks_sema_p_sig(ks_handle_t *, const char *expr);
int ks_sema_tryp(ks_handle_t *, const char *expr);
void ks_sema_v(ks_handle_t *, const char *expr);
void ks_sema_destroy(ks_handle_t *, const char *expr);

/* kernel memory: flags KS_KM_* */
#define KS_KM_SLEEP 0
#define KS_KM_NOSLEEP 1
#define KS_KM_ZERO 2
/* FreeBSD's malloc(9): a report names the call malloc(M_WAITOK), not
 * kmem_alloc(KM_SLEEP); nothing else differs (not in the trace) */
#define KS_KM_MALLOC 4
void *ks_kmem_alloc(size_t size, int flags, const char *tag);
void ks_kmem_free(void *p, size_t size, const char *op);
/* size unknown to the caller (FreeBSD free(9)): SIZE_MAX */

/* time: virtual nanoseconds since the World booted */
uint64_t ks_now_ns(void);
/* the virtual date of boot, in seconds (2026-01-01T00:00:00Z): every
 * personality's calendar clock adds it to ks_now_ns() */
#define KS_BOOT_TIME 1767225600LL
void ks_delay_ns(uint64_t ns);
/* A callout: fn(arg) runs in interrupt context at deadline; id > 0. */
uint64_t ks_timeout(void (*fn)(void *), void *arg, uint64_t deadline_ns, const char *name);
/* 1 if cancelled before it ran; waits for a running callout to finish. */
int ks_untimeout(uint64_t id);
/* The same, answering how long was left: the ns to its deadline (0 once
 * due) when cancelled before it ran, else -1 (illumos untimeout's answer
 * before its conversion to ticks). */
int64_t ks_untimeout_ns(uint64_t id);

/*
 * task queues. A taskq is named by an opaque pointer that is never
 * dereferenced (it encodes a handle). dispatch returns 0 when it could not
 * queue (KS_TQ_NOSLEEP and full, KS_TQ_NOQUEUE and no idle worker, or an
 * injected failure), otherwise an id > 0.
 */
typedef struct ks_taskq ks_taskq_t;
#define KS_TQ_SLEEP 0
#define KS_TQ_NOSLEEP 1
#define KS_TQ_NOQUEUE 2
#define KS_TQ_FRONT 4
#define KS_TQ_PREALLOC 8 /* the caller's own entry: never sleeps, never fails */
ks_taskq_t *ks_taskq_create(const char *name, int nthreads, int maxalloc, const char *expr);
uint64_t ks_taskq_dispatch(ks_taskq_t *, void (*fn)(void *), void *arg, int flags,
    const char *expr);
void ks_taskq_wait(ks_taskq_t *, const char *expr);
void ks_taskq_destroy(ks_taskq_t *, const char *expr);
/* illumos taskq_suspend/resume/suspended (kernel_model/taskq.h) */
void ks_taskq_suspend(ks_taskq_t *, const char *expr);
void ks_taskq_resume(ks_taskq_t *, const char *expr);
int ks_taskq_suspended(ks_taskq_t *, const char *expr);

/* an explicit preemption point */
void ks_preempt(void);

/* ---- user memory, processes, credentials (user_mem.h, proc.h) ----
 * A user address is the simulated address as an integer. Copies act on the
 * calling thread's process, page by page (each page a scheduling point), and
 * return 0 or EFAULT; copyinstr also ENAMETOOLONG. `done` counts the bytes
 * copied including the NUL. Called from a kernel thread (no process) they
 * are a reported failure.
 */
int ks_copyin(uint64_t uaddr, void *kaddr, size_t n);
int ks_copyout(const void *kaddr, uint64_t uaddr, size_t n);
int ks_copyinstr(uint64_t uaddr, char *kaddr, size_t max, size_t *done);
int ks_copyoutstr(const char *kaddr, uint64_t uaddr, size_t max, size_t *done);
#define KS_MODEL_LP64 0
#define KS_MODEL_ILP32 1
/* the calling process's data model (KS_MODEL_*); LP64 in a kernel thread */
int ks_curproc_model(void);
/* the calling process's pid; 0 in a kernel thread */
uint32_t ks_curproc_pid(void);
/* Credentials: opaque. ks_curcred() is the calling process's, or the
 * kernel's (uid 0) in a kernel thread; ks_kcred() is always the kernel's. */
struct ks_cred;
const struct ks_cred *ks_curcred(void);
const struct ks_cred *ks_kcred(void);
uint32_t ks_cred_uid(const struct ks_cred *);
uint32_t ks_cred_gid(const struct ks_cred *);
/* 0 when the credential is privileged, else EPERM */
int ks_cred_priv(const struct ks_cred *);
/* A reference to a process's credential (crhold/crfree): one still held
 * after teardown is a leak (leak:cred), a release beyond the holds a
 * panic. The kernel's own is never freed and not counted. `fn` names the
 * caller's function in a report. */
void ks_cred_hold(const struct ks_cred *, const char *fn);
void ks_cred_rele(const struct ks_cred *, const char *fn);
/* Private data of the open a device entry point runs for (FreeBSD's
 * cdevpriv; devsw.h OpenFile): set returns 0, ENOENT outside an entry point
 * or EBUSY when set already; get 0, EBADF outside an entry point or ENOENT
 * when none is set; clear runs the destructor now. Otherwise the destructor
 * runs after the open's device close, when the open fails, or when the
 * node is removed. */
int ks_file_priv_set(void *data, void (*dtor)(void *));
int ks_file_priv_get(void **datap);
void ks_file_priv_clear(void);

/* failures */
void ks_panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void ks_assert_failed(const char *expr, const char *file, int line, const char *func)
    __attribute__((noreturn));
void ks_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* An interface the model does not implement was reached: a host_error
 * failure "not_modelled:<what>" (abi_unmodelled.cc). */
void ks_not_modelled(const char *what) __attribute__((noreturn));

/* Is bug variant `variant` of driver `driver` selected in this World? */
int ks_variant(const char *driver, const char *variant);

/*
 * A driver module's registration: one per module, the symbol `ks_module`,
 * defined by its personality's registration macro (KS_ILLUMOS_DRIVER,
 * KS_FREEBSD_DRIVER in <sys/kernsim.h>), or else `ks_module_auto`.
 * variants: NULL-terminated list of
 * name, description pairs. A module whose abi_version is not this
 * kernsim's is refused at load.
 */
#define KS_ABI_VERSION 1
#define KS_MODULE_SYMBOL "ks_module"
/* The registration a module has without writing one, made from what its
 * own source declares when build-driver finds no registration macro in it
 * (FreeBSD: DECLARE_MODULE; illumos: _init and _fini, named by
 * kernel_model/illumos/ks_module_auto.c, which it links in). */
#define KS_MODULE_AUTO_SYMBOL "ks_module_auto"
struct ks_driver_desc {
	const char *name;
	const char *personality;
	const char *const *variants;
	int (*mod_init)(void);
	int (*mod_fini)(void);
	void *module;
	unsigned abi_version;
};

/* the current thread */
uint32_t ks_thread_id(void);
const char *ks_thread_name(void);
int ks_in_interrupt(void);


/* ---- kernel threads (abi_kthread.cc) ----
 * A kernel thread running fn(arg), named `name` (copied). daemon != 0: a
 * service thread, whose sleeping at the end of a run is not a hang (it must
 * still have returned by the final checks). Returns its thread id. The
 * thread ends when fn returns.
 */
uint32_t ks_kthread_create(const char *name, void (*fn)(void *), void *arg, int daemon);

#ifdef __cplusplus
}
#endif

#endif /* KERNSIM_ABI_H */
