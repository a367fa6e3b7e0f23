/*
 * kernsim/abi.h's taskqs over Linux workqueues: an unbound workqueue with
 * max_active = nthreads runs at most nthreads tasks at once, in order
 * (TQ_FRONT: Linux has no queue front, so it queues at the back). Each
 * dispatch allocates its entry; maxalloc bounds the entries outstanding:
 * TQ_SLEEP waits for one to free, TQ_NOSLEEP fails, as illumos does once
 * its prepopulated entries are used up.
 */
#include <linux/sched.h>
#include <linux/workqueue.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/atomic.h>
#include <linux/rwsem.h>
#include <linux/panic.h>

#include <kernsim/abi.h>

struct ks_taskq {
	struct workqueue_struct *wq;
	wait_queue_head_t freed;
	atomic_t outstanding;
	int maxalloc;
	int nthreads;
	/* taskq_suspend: held as writer by the suspending thread, as illumos
	 * holds tq_threadlock; each entry runs holding it as reader */
	struct rw_semaphore run;
	struct task_struct *suspender;
	const char *name;
};

struct lx_task {
	struct work_struct w;
	void (*fn)(void *);
	void *arg;
	struct ks_taskq *tq;
};

ks_taskq_t *ks_taskq_create(const char *name, int nthreads, int maxalloc, const char *expr)
{
	struct ks_taskq *tq = kzalloc(sizeof(*tq), GFP_KERNEL | __GFP_NOFAIL);

	if (nthreads < 1)
		nthreads = 1;
	tq->nthreads = nthreads;
	tq->maxalloc = maxalloc > 0 ? maxalloc : INT_MAX;
	init_waitqueue_head(&tq->freed);
	init_rwsem(&tq->run);
	tq->name = name ? name : "ks_taskq";
	atomic_set(&tq->outstanding, 0);
	tq->wq = alloc_workqueue("%s", WQ_UNBOUND, nthreads, name ? name : "ks_taskq");
	if (tq->wq == NULL) {
		kfree(tq);
		return NULL;
	}
	return tq;
}

static void lx_task_run(struct work_struct *w)
{
	struct lx_task *t = container_of(w, struct lx_task, w);
	struct ks_taskq *tq = t->tq;

	down_read(&tq->run);
	t->fn(t->arg);
	up_read(&tq->run);
	kfree(t);
	atomic_dec(&tq->outstanding);
	wake_up(&tq->freed);
}

uint64_t ks_taskq_dispatch(ks_taskq_t *tq, void (*fn)(void *), void *arg, int flags,
    const char *expr)
{
	struct lx_task *t;

	if (flags & KS_TQ_NOQUEUE) {
		if (atomic_read(&tq->outstanding) >= tq->nthreads)
			return 0;
	}
	if (flags & KS_TQ_PREALLOC) {
		/* the caller's own entry: counted, never held to maxalloc */
		atomic_inc(&tq->outstanding);
		t = kmalloc(sizeof(*t), GFP_KERNEL | __GFP_NOFAIL);
	} else if (flags & (KS_TQ_NOSLEEP | KS_TQ_NOQUEUE)) {
		if (atomic_inc_return(&tq->outstanding) > tq->maxalloc) {
			atomic_dec(&tq->outstanding);
			return 0;
		}
		t = kmalloc(sizeof(*t), GFP_NOWAIT);
		if (t == NULL) {
			atomic_dec(&tq->outstanding);
			return 0;
		}
	} else {
		for (;;) {
			if (atomic_inc_return(&tq->outstanding) <= tq->maxalloc)
				break;
			atomic_dec(&tq->outstanding);
			wait_event(tq->freed, atomic_read(&tq->outstanding) < tq->maxalloc);
		}
		t = kmalloc(sizeof(*t), GFP_KERNEL | __GFP_NOFAIL);
	}
	t->fn = fn;
	t->arg = arg;
	t->tq = tq;
	INIT_WORK(&t->w, lx_task_run);
	queue_work(tq->wq, &t->w);
	return (uintptr_t)t;
}

void ks_taskq_wait(ks_taskq_t *tq, const char *expr)
{
	flush_workqueue(tq->wq);
}

void ks_taskq_destroy(ks_taskq_t *tq, const char *expr)
{
	destroy_workqueue(tq->wq);	/* runs what is queued, then frees */
	kfree(tq);
}

/* The simulator's rules (kernel_model/taskq.h): suspend waits for the
 * entries running and starts no other until the same thread resumes; a
 * second suspend, or a resume of a taskq not suspended or by another
 * thread, is a panic naming the taskq (illumos ASSERTs them). */
void ks_taskq_suspend(ks_taskq_t *tq, const char *expr)
{
	if (READ_ONCE(tq->suspender) != NULL)
		panic("kernsim: taskq_suspend: taskq %s is suspended already\n", tq->name);
	down_write(&tq->run);
	WRITE_ONCE(tq->suspender, current);
}

void ks_taskq_resume(ks_taskq_t *tq, const char *expr)
{
	if (READ_ONCE(tq->suspender) == NULL)
		panic("kernsim: taskq_resume: taskq %s is not suspended\n", tq->name);
	if (tq->suspender != current)
		panic("kernsim: taskq_resume: thread %s resumes taskq %s, which another thread "
		    "suspended\n", current->comm, tq->name);
	WRITE_ONCE(tq->suspender, NULL);
	up_write(&tq->run);
}

int ks_taskq_suspended(ks_taskq_t *tq, const char *expr)
{
	return READ_ONCE(tq->suspender) != NULL;
}
