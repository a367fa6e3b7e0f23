/*
 * FreeBSD <sys/taskqueue.h>: taskqueue(9) on the kernel model's taskqs.
 * A driver's own queue: taskqueue_create, then taskqueue_start_threads
 * makes the workers (a task enqueued before that is not modelled and
 * reported so). Enqueueing a pending task only counts it: the function
 * runs once and gets the count. taskqueue_cancel removes a pending run
 * (EBUSY if it is running). taskqueue_drain waits until that task is
 * neither pending nor running, as FreeBSD's (the queue's other tasks may
 * go on); taskqueue_drain_all until the whole queue is idle. The system queues
 * taskqueue_thread, taskqueue_swi and taskqueue_fast have one worker each
 * and live as long as the kernel; a World makes each at its first enqueue
 * (a driver that never uses them runs no extra thread).
 */
#ifndef _KS_FREEBSD_SYS_TASKQUEUE_H
#define _KS_FREEBSD_SYS_TASKQUEUE_H

#include <sys/types.h>
#include <sys/callout.h>	/* struct timeout_task holds one */
#include <kernsim/abi.h>

struct taskqueue;
typedef void task_fn_t(void *context, int pending);
typedef void (*taskqueue_enqueue_fn)(void *context);

struct task {
	u_short ta_pending;		/* enqueued, not yet run: the count */
	u_short ta_priority;
	task_fn_t *ta_func;
	void *ta_context;
	int ta_ks_running;		/* its function is running */
};

#define TASK_INIT(task, priority, func, context) do {	\
	(task)->ta_pending = 0;				\
	(task)->ta_priority = (priority);		\
	(task)->ta_func = (func);			\
	(task)->ta_context = (context);			\
	(task)->ta_ks_running = 0;			\
} while (0)

/*
 * A timeout task (taskqueue_enqueue_timeout): a task enqueued by a callout
 * when its time comes, with FreeBSD's flags and return values (the pending
 * count, one more while the callout is armed, -1 during a drain; a
 * negative time arms only an unarmed one, 0 enqueues at once). FreeBSD's
 * callout runs under the queue's mutex; here its function sets the task
 * pending with no scheduling point between its start and that, so a
 * cancel always finds it either still armed or pending, as the mutex
 * makes it there. A timeout still armed when its module unloads is
 * reported as the module's work left behind (unload:pending_callout),
 * named by the task's function.
 */
struct timeout_task {
	struct taskqueue *q;
	struct task t;
	struct callout c;
	int f;
};
#define DT_CALLOUT_ARMED	(1 << 0)
#define DT_DRAIN_IN_PROGRESS	(1 << 1)
#ifdef __cplusplus
extern "C" {
#endif
void ks_fb_timeout_task_init(struct taskqueue *, struct timeout_task *, int, task_fn_t *,
    void *, const char *);
int taskqueue_enqueue_timeout(struct taskqueue *, struct timeout_task *, int);
int taskqueue_enqueue_timeout_sbt(struct taskqueue *, struct timeout_task *, sbintime_t,
    sbintime_t, int);
int taskqueue_cancel_timeout(struct taskqueue *, struct timeout_task *, u_int *);
void taskqueue_drain_timeout(struct taskqueue *, struct timeout_task *);
struct taskqueue *taskqueue_create(const char *, int, taskqueue_enqueue_fn, void *);
int taskqueue_start_threads(struct taskqueue **, int, int, const char *, ...)
    __attribute__((format(__printf__, 4, 5)));
int taskqueue_enqueue(struct taskqueue *, struct task *);
int taskqueue_cancel(struct taskqueue *, struct task *, u_int *);
void taskqueue_drain(struct taskqueue *, struct task *);
void taskqueue_drain_all(struct taskqueue *);
void taskqueue_free(struct taskqueue *);
/* what drivers pass as taskqueue_create's enqueue function */
void taskqueue_thread_enqueue(void *);
extern struct taskqueue *taskqueue_thread;
extern struct taskqueue *taskqueue_swi;
extern struct taskqueue *taskqueue_swi_giant;
extern struct taskqueue *taskqueue_fast;
#ifdef __cplusplus
}
#endif

#define TIMEOUT_TASK_INIT(queue, timeout_task, priority, func, context) \
	ks_fb_timeout_task_init((queue), (timeout_task), (priority), (func), (context), #func)

#endif
