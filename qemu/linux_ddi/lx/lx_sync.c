/*
 * kernsim/abi.h's locks over Linux's: a kmutex is a struct mutex (with its
 * owner kept, for mutex_owned), a kcondvar a wait queue, a krwlock an
 * rw_semaphore, a ksema a semaphore. The handle the driver's struct holds
 * is a pointer to the Linux object, allocated at init and freed at
 * destroy (the simulator's handle is an object id: same size, same life).
 */
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/semaphore.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/bug.h>

#include <kernsim/abi.h>

struct lx_mutex {
	struct mutex m;
	struct task_struct *owner;
	int recursed;
};

struct lx_cv {
	wait_queue_head_t wq;
};

struct lx_rw {
	struct rw_semaphore s;
	struct task_struct *writer;
	atomic_t readers;
};

#define LX(h, T) ((T *)(uintptr_t)(h)->v)

/* A lock used before its init: illumos zeroed storage works as an
 * initialised adaptive mutex, so make one on first use (rare: races on
 * the first use are not expected of statically zeroed locks here). */
static struct lx_mutex *mtx(ks_handle_t *h)
{
	struct lx_mutex *m = LX(h, struct lx_mutex);

	if (m == NULL) {
		ks_mutex_init(h, NULL, 0, "implicit");
		m = LX(h, struct lx_mutex);
	}
	return m;
}

void ks_mutex_init(ks_handle_t *h, const char *name, int flags, const char *expr)
{
	struct lx_mutex *m = kzalloc(sizeof(*m), GFP_KERNEL | __GFP_NOFAIL);
	static struct lock_class_key key;

	__mutex_init(&m->m, expr, &key);
	h->v = (uintptr_t)m;
}

void ks_mutex_enter(ks_handle_t *h, const char *expr)
{
	struct lx_mutex *m = mtx(h);

	if (m->owner == current)
		panic("kernsim: recursive mutex_enter of %s\n", expr);
	mutex_lock(&m->m);
	m->owner = current;
}

int ks_mutex_tryenter(ks_handle_t *h, const char *expr)
{
	struct lx_mutex *m = mtx(h);

	if (!mutex_trylock(&m->m))
		return 0;
	m->owner = current;
	return 1;
}

void ks_mutex_exit(ks_handle_t *h, const char *expr)
{
	struct lx_mutex *m = mtx(h);

	if (m->owner != current)
		panic("kernsim: mutex_exit of %s not held by this thread\n", expr);
	m->owner = NULL;
	mutex_unlock(&m->m);
}

int ks_mutex_owned(ks_handle_t *h, const char *expr)
{
	return mtx(h)->owner == current;
}

int ks_mutex_held_by_anyone(ks_handle_t *h, const char *expr)
{
	return mutex_is_locked(&mtx(h)->m);
}

int ks_mutex_recursed(ks_handle_t *h, const char *expr)
{
	return 0;
}

void ks_mutex_destroy(ks_handle_t *h, const char *expr)
{
	struct lx_mutex *m = LX(h, struct lx_mutex);

	if (m == NULL)
		return;
	if (mutex_is_locked(&m->m))
		panic("kernsim: mutex_destroy of %s while held\n", expr);
	h->v = 0;
	kfree(m);
}

void ks_mutex_enter_class(ks_handle_t *h, int spin, const char *op, const char *right_op,
    const char *expr)
{
	ks_mutex_enter(h, expr);
}

void ks_mutex_exit_class(ks_handle_t *h, int spin, const char *op, const char *right_op,
    const char *expr)
{
	ks_mutex_exit(h, expr);
}

void ks_cv_init(ks_handle_t *h, const char *name, const char *expr)
{
	struct lx_cv *c = kzalloc(sizeof(*c), GFP_KERNEL | __GFP_NOFAIL);

	init_waitqueue_head(&c->wq);
	h->v = (uintptr_t)c;
}

static struct lx_cv *cvp(ks_handle_t *h)
{
	if (h->v == 0)
		ks_cv_init(h, NULL, "implicit");
	return LX(h, struct lx_cv);
}

/*
 * The waiter is on the queue, its state set, before it drops the mutex:
 * a signal after the drop makes it runnable, so no wakeup is lost.
 * Returns 0, EINTR (a signal, when interruptible) or ETIMEDOUT (the
 * deadline, in ks_now_ns() nanoseconds, passed).
 */
int ks_cv_wait(ks_handle_t *cv, ks_handle_t *mh, int interruptible, uint64_t deadline_ns,
    const char *cv_expr, const char *mtx_expr)
{
	struct lx_cv *c = cvp(cv);
	struct lx_mutex *m = mtx(mh);
	DEFINE_WAIT(wait);
	long left = MAX_SCHEDULE_TIMEOUT;
	int r = 0;

	if (m->owner != current)
		panic("kernsim: cv_wait on %s without holding %s\n", cv_expr, mtx_expr);
	if (deadline_ns) {
		u64 now = ktime_get_ns();

		left = deadline_ns > now ? (long)nsecs_to_jiffies(deadline_ns - now) : 0;
	}
	prepare_to_wait_exclusive(&c->wq, &wait,
	    interruptible ? TASK_INTERRUPTIBLE : TASK_UNINTERRUPTIBLE);
	m->owner = NULL;
	mutex_unlock(&m->m);
	if (interruptible && signal_pending(current))
		r = EINTR;
	else if (schedule_timeout(left) == 0 && deadline_ns)
		r = ETIMEDOUT;
	else if (interruptible && signal_pending(current))
		r = EINTR;
	finish_wait(&c->wq, &wait);
	mutex_lock(&m->m);
	m->owner = current;
	return r;
}

void ks_cv_signal(ks_handle_t *h, const char *expr)
{
	wake_up(&cvp(h)->wq);
}

void ks_cv_broadcast(ks_handle_t *h, const char *expr)
{
	wake_up_all(&cvp(h)->wq);
}

void ks_cv_destroy(ks_handle_t *h, const char *expr)
{
	struct lx_cv *c = LX(h, struct lx_cv);

	if (c == NULL)
		return;
	if (waitqueue_active(&c->wq))
		panic("kernsim: cv_destroy of %s with waiters\n", expr);
	h->v = 0;
	kfree(c);
}

void ks_rw_init_flags(ks_handle_t *h, const char *name, int flags, const char *expr)
{
	struct lx_rw *r = kzalloc(sizeof(*r), GFP_KERNEL | __GFP_NOFAIL);
	static struct lock_class_key key;

	__init_rwsem(&r->s, expr, &key);
	h->v = (uintptr_t)r;
}

void ks_rw_init(ks_handle_t *h, const char *name, const char *expr)
{
	ks_rw_init_flags(h, name, 0, expr);
}

int ks_rw_recursed(ks_handle_t *h, const char *expr)
{
	return 0;
}

void ks_rw_enter(ks_handle_t *h, int write, const char *expr)
{
	struct lx_rw *r = LX(h, struct lx_rw);

	if (write) {
		down_write(&r->s);
		r->writer = current;
	} else {
		down_read(&r->s);
		atomic_inc(&r->readers);
	}
}

int ks_rw_tryenter(ks_handle_t *h, int write, const char *expr)
{
	struct lx_rw *r = LX(h, struct lx_rw);

	if (write) {
		if (!down_write_trylock(&r->s))
			return 0;
		r->writer = current;
	} else {
		if (!down_read_trylock(&r->s))
			return 0;
		atomic_inc(&r->readers);
	}
	return 1;
}

void ks_rw_exit(ks_handle_t *h, const char *expr)
{
	struct lx_rw *r = LX(h, struct lx_rw);

	if (r->writer == current) {
		r->writer = NULL;
		up_write(&r->s);
	} else {
		atomic_dec(&r->readers);
		up_read(&r->s);
	}
}

int ks_rw_write_held(ks_handle_t *h, const char *expr)
{
	return LX(h, struct lx_rw)->writer == current;
}

int ks_rw_read_held(ks_handle_t *h, const char *expr)
{
	return atomic_read(&LX(h, struct lx_rw)->readers) > 0;
}

int ks_rw_tryupgrade(ks_handle_t *h, const char *expr)
{
	return 0;	/* allowed to fail, and Linux has no upgrade */
}

void ks_rw_downgrade(ks_handle_t *h, const char *expr)
{
	struct lx_rw *r = LX(h, struct lx_rw);

	r->writer = NULL;
	atomic_inc(&r->readers);
	downgrade_write(&r->s);
}

void ks_rw_destroy(ks_handle_t *h, const char *expr)
{
	kfree(LX(h, struct lx_rw));
	h->v = 0;
}

void ks_sema_init(ks_handle_t *h, unsigned count, const char *name, const char *expr)
{
	struct semaphore *s = kzalloc(sizeof(*s), GFP_KERNEL | __GFP_NOFAIL);

	sema_init(s, count);
	h->v = (uintptr_t)s;
}

void ks_sema_p(ks_handle_t *h, const char *expr)
{
	down(LX(h, struct semaphore));
}

int ks_sema_p_sig(ks_handle_t *h, const char *expr)
{
	/* illumos: 1 when a signal interrupted it, 0 when it got the count */
	return down_interruptible(LX(h, struct semaphore)) ? 1 : 0;
}

int ks_sema_tryp(ks_handle_t *h, const char *expr)
{
	return down_trylock(LX(h, struct semaphore)) == 0;
}

void ks_sema_v(ks_handle_t *h, const char *expr)
{
	up(LX(h, struct semaphore));
}

void ks_sema_destroy(ks_handle_t *h, const char *expr)
{
	kfree(LX(h, struct semaphore));
	h->v = 0;
}
