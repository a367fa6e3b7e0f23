/*
 * kernsim/abi.h's memory, time, user copies, credentials, messages and
 * variants over Linux. kmem is kmalloc (KM_SLEEP never fails, as on
 * illumos: __GFP_NOFAIL); timeouts are delayed work, so a handler runs in
 * a thread as illumos's callout threads do and may take an adaptive mutex
 * (a Linux timer's softirq could not).
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/ktime.h>
#include <linux/delay.h>
#include <linux/workqueue.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/cred.h>
#include <linux/compat.h>
#include <linux/printk.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <linux/preempt.h>
#include <linux/uidgid.h>
#include <linux/errno.h>
#include <linux/random.h>
#include <linux/mm.h>

#include <kernsim/abi.h>
#include "ks_lx.h"

/* The bug variant this load runs (`insmod ks_sample.ko variant=...`), as
 * the simulator's --variant: a driver's KS_VARIANT tests it. */
static char *variant = "none";
module_param(variant, charp, 0444);
MODULE_PARM_DESC(variant, "the driver's bug variant to run (default: none)");

int ks_variant(const char *driver, const char *name)
{
	return strcmp(variant, name) == 0;
}

void *ks_kmem_alloc(size_t size, int flags, const char *tag)
{
	gfp_t gfp = (flags & KS_KM_NOSLEEP) ? GFP_NOWAIT : (GFP_KERNEL | __GFP_NOFAIL);

	if (flags & KS_KM_ZERO)
		gfp |= __GFP_ZERO;
	/* kmalloc(0) is a special pointer; illumos gives NULL for size 0 */
	return size ? kmalloc(size, gfp) : NULL;
}

/* Freed memory is poisoned (as illumos's kmem debugging and the simulator
 * do): a use after free reads 0x6b bytes, and a lock or pointer taken from
 * them faults at once instead of working on by luck. */
void ks_kmem_free(void *p, size_t size, const char *op)
{
	if (p != NULL && size > 0)
		memset(p, 0x6b, min(size, ksize(p)));
	kfree(p);
}

uint64_t ks_now_ns(void)
{
	return ktime_get_ns();
}

void ks_delay_ns(uint64_t ns)
{
	if (ns >= 1000000)
		msleep((unsigned int)(ns / 1000000));
	else if (ns)
		usleep_range(ns / 1000 + 1, ns / 1000 + 10);
}

struct lx_timeout {
	struct delayed_work dw;
	u64 deadline_ns;
	void (*fn)(void *);
	void *arg;
};

static void lx_timeout_fire(struct work_struct *w)
{
	struct lx_timeout *t = container_of(to_delayed_work(w), struct lx_timeout, dw);

	t->fn(t->arg);
	/* freed by untimeout, or leaked when nobody cancels it (as the
	 * simulator, an id is not reused) */
}

uint64_t ks_timeout(void (*fn)(void *), void *arg, uint64_t deadline_ns, const char *name)
{
	struct lx_timeout *t = kzalloc(sizeof(*t), GFP_KERNEL | __GFP_NOFAIL);
	u64 now = ktime_get_ns();

	t->fn = fn;
	t->arg = arg;
	t->deadline_ns = deadline_ns;
	INIT_DELAYED_WORK(&t->dw, lx_timeout_fire);
	schedule_delayed_work(&t->dw,
	    deadline_ns > now ? nsecs_to_jiffies(deadline_ns - now) : 0);
	return (uintptr_t)t;
}

/* The ns left when cancelled before it ran (0 once due), else -1, having
 * waited for a run in progress (unless the caller is that run). */
int64_t ks_untimeout_ns(uint64_t id)
{
	struct lx_timeout *t = (struct lx_timeout *)(uintptr_t)id;
	int64_t left;
	u64 now;

	if (t == NULL)
		return -1;
	if (current_work() == &t->dw.work)
		return -1;	/* the callout cancelling itself */
	if (!cancel_delayed_work_sync(&t->dw)) {
		kfree(t);
		return -1;
	}
	now = ktime_get_ns();
	left = t->deadline_ns > now ? (int64_t)(t->deadline_ns - now) : 0;
	kfree(t);
	return left;
}

int ks_untimeout(uint64_t id)
{
	return ks_untimeout_ns(id) >= 0;	/* as the simulator: true when it was pending */
}

void ks_preempt(void)
{
	cond_resched();
}

int ks_copyin(uint64_t uaddr, void *kaddr, size_t n)
{
	return copy_from_user(kaddr, (const void __user *)(uintptr_t)uaddr, n) ? EFAULT : 0;
}

int ks_copyout(const void *kaddr, uint64_t uaddr, size_t n)
{
	return copy_to_user((void __user *)(uintptr_t)uaddr, kaddr, n) ? EFAULT : 0;
}

int ks_copyinstr(uint64_t uaddr, char *kaddr, size_t max, size_t *done)
{
	long n = strncpy_from_user(kaddr, (const char __user *)(uintptr_t)uaddr, max);

	if (n < 0)
		return EFAULT;
	if ((size_t)n == max)
		return ENAMETOOLONG;
	if (done)
		*done = n + 1;
	return 0;
}

int ks_copyoutstr(const char *kaddr, uint64_t uaddr, size_t max, size_t *done)
{
	size_t n = strnlen(kaddr, max);

	if (n == max)
		return ENAMETOOLONG;
	if (copy_to_user((void __user *)(uintptr_t)uaddr, kaddr, n + 1))
		return EFAULT;
	if (done)
		*done = n + 1;
	return 0;
}

int ks_curproc_model(void)
{
	return in_compat_syscall() ? KS_MODEL_ILP32 : KS_MODEL_LP64;
}

uint32_t ks_curproc_pid(void)
{
	return task_tgid_nr(current);
}

/* Credentials: the caller's struct cred; the kernel's own is this marker. */
static const char lx_kcred_marker;

const struct ks_cred *ks_curcred(void)
{
	return (const struct ks_cred *)current_cred();
}

const struct ks_cred *ks_kcred(void)
{
	return (const struct ks_cred *)&lx_kcred_marker;
}

uint32_t ks_cred_uid(const struct ks_cred *c)
{
	if ((const void *)c == &lx_kcred_marker || c == NULL)
		return 0;
	return from_kuid(&init_user_ns, ((const struct cred *)c)->euid);
}

uint32_t ks_cred_gid(const struct ks_cred *c)
{
	if ((const void *)c == &lx_kcred_marker || c == NULL)
		return 0;
	return from_kgid(&init_user_ns, ((const struct cred *)c)->egid);
}

/* abi.h: 0 when privileged, else EPERM (as the simulator answers). */
int ks_cred_priv(const struct ks_cred *c)
{
	return ks_cred_uid(c) == 0 ? 0 : EPERM;
}

/* crhold/crfree: a reference on the task's struct cred (the kernel's own
 * marker needs none). The simulator's leak check of holds left at the end
 * has no counterpart here (see DESIGN.md's table). */
void ks_cred_hold(const struct ks_cred *c, const char *fn)
{
	if (c == NULL)
		panic("kernsim: %s of a NULL credential\n", fn);
	if ((const void *)c != &lx_kcred_marker)
		get_cred((const struct cred *)c);
}

void ks_cred_rele(const struct ks_cred *c, const char *fn)
{
	if (c == NULL)
		panic("kernsim: %s of a NULL credential\n", fn);
	if ((const void *)c != &lx_kcred_marker)
		put_cred((const struct cred *)c);
}

void ks_lx_random_bytes(void *buf, size_t len)
{
	get_random_bytes(buf, len);
}

uint32_t ks_lx_cred_uid(const void *c)
{
	return ks_cred_uid(c);
}

uint32_t ks_lx_cred_gid(const void *c)
{
	return ks_cred_gid(c);
}

void ks_panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	panic("kernsim driver panic: %s\n", buf);
}

void ks_assert_failed(const char *expr, const char *file, int line, const char *func)
{
	panic("kernsim: assertion failed: %s, file: %s, line: %d (%s)\n", expr, file, line, func);
}

void ks_log(int level, const char *fmt, ...)
{
	struct va_format vaf;
	va_list ap;

	va_start(ap, fmt);
	vaf.fmt = fmt;
	vaf.va = &ap;
	/* a warning or worse reaches the console under `quiet` */
	if (level >= 2)
		printk(KERN_ERR "ks_" KS_LX_DRIVER_NAME ": %pV\n", &vaf);
	else
		printk(KERN_NOTICE "ks_" KS_LX_DRIVER_NAME ": %pV\n", &vaf);
	va_end(ap);
}

void ks_lx_not_given(const char *what)
{
	panic("kernsim: %s is not given by the Linux backend\n", what);
}

void ks_not_modelled(const char *what)
{
	panic("kernsim: %s is not implemented by the Linux backend\n", what);
}

uint32_t ks_thread_id(void)
{
	return task_pid_nr(current);
}

const char *ks_thread_name(void)
{
	return current->comm;
}

int ks_in_interrupt(void)
{
	return in_interrupt() ? 1 : 0;
}

struct lx_kthread {
	void (*fn)(void *);
	void *arg;
};

static int lx_kthread_body(void *p)
{
	struct lx_kthread k = *(struct lx_kthread *)p;

	kfree(p);
	k.fn(k.arg);
	return 0;
}

uint32_t ks_kthread_create(const char *name, void (*fn)(void *), void *arg, int daemon)
{
	struct lx_kthread *k = kmalloc(sizeof(*k), GFP_KERNEL | __GFP_NOFAIL);
	struct task_struct *t;

	k->fn = fn;
	k->arg = arg;
	t = kthread_run(lx_kthread_body, k, "%s", name ? name : "ks_thread");
	if (IS_ERR(t)) {
		kfree(k);
		return 0;
	}
	return task_pid_nr(t);
}

struct lx_pin {
	unsigned long n;
	int write;
	struct page *pages[];
};

void *ks_lx_pin_user(uint64_t uaddr, size_t len, int write, int *error)
{
	unsigned long n = len >> PAGE_SHIFT;
	struct lx_pin *p = kvmalloc(struct_size(p, pages, n), GFP_KERNEL);
	long got = 0;

	if (p == NULL) {
		*error = ENOMEM;
		return NULL;
	}
	p->n = n;
	p->write = write;
	if (n)
		got = pin_user_pages_fast((unsigned long)uaddr, n,
		    FOLL_LONGTERM | (write ? FOLL_WRITE : 0), p->pages);
	if (got != (long)n) {
		if (got > 0)
			unpin_user_pages(p->pages, got);
		kvfree(p);
		*error = got < 0 ? (int)-got : EFAULT;
		return NULL;
	}
	*error = 0;
	return p;
}

void ks_lx_unpin_user(void *pin)
{
	struct lx_pin *p = pin;

	unpin_user_pages_dirty_lock(p->pages, p->n, p->write);
	kvfree(p);
}
