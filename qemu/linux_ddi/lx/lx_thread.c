/*
 * thread_create's kernel threads over kthreads (ks_lx.h). Each has a
 * record with a completion, completed as it ends, whether its function
 * returns or it calls thread_exit from any depth
 * (kthread_complete_and_exit), so thread_join waits on it as the
 * simulator's does. Records stay until the module unloads: a join after
 * the end answers at once, as illumos's does for a thread gone.
 */
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/cred.h>

#include <kernsim/abi.h>
#include "ks_lx.h"

struct lx_thread {
	struct list_head link;
	struct completion ended;
	struct task_struct *task;
	uint32_t id;
	void (*fn)(void *);
	void *arg;
	void (*done)(void *);
};

static LIST_HEAD(lx_threads);
static DEFINE_SPINLOCK(lx_threads_lock);

static struct lx_thread *lx_thread_find(struct task_struct *task, uint32_t id)
{
	struct lx_thread *t, *found = NULL;

	spin_lock(&lx_threads_lock);
	list_for_each_entry(t, &lx_threads, link) {
		if (task ? t->task == task : t->id == id) {
			found = t;
			break;
		}
	}
	spin_unlock(&lx_threads_lock);
	return found;
}

static void __noreturn lx_thread_end(struct lx_thread *t)
{
	if (t->done)
		t->done(t->arg);
	/* a later kthread may get this task_struct's memory: its thread_exit
	 * must not find this record */
	spin_lock(&lx_threads_lock);
	t->task = NULL;
	spin_unlock(&lx_threads_lock);
	kthread_complete_and_exit(&t->ended, 0);
}

static int lx_thread_body(void *p)
{
	struct lx_thread *t = p;

	t->fn(t->arg);
	lx_thread_end(t);
}

uint32_t ks_lx_thread_create(const char *name, void (*fn)(void *), void *arg,
    void (*done)(void *))
{
	struct lx_thread *t = kzalloc(sizeof(*t), GFP_KERNEL | __GFP_NOFAIL);
	struct task_struct *task;

	init_completion(&t->ended);
	t->fn = fn;
	t->arg = arg;
	t->done = done;
	task = kthread_create(lx_thread_body, t, "%s", name ? name : "ks_thread");
	if (IS_ERR(task)) {
		kfree(t);
		return 0;
	}
	t->task = task;
	t->id = task_pid_nr(task);
	spin_lock(&lx_threads_lock);
	list_add(&t->link, &lx_threads);	/* newest first: a pid reused finds its own */
	spin_unlock(&lx_threads_lock);
	wake_up_process(task);
	return t->id;
}

void ks_lx_thread_exit(void)
{
	struct lx_thread *t = lx_thread_find(current, 0);

	if (t == NULL)
		panic("kernsim: thread_exit called by thread %s, which thread_create did not start\n",
		    current->comm);
	lx_thread_end(t);
}

int ks_lx_thread_join(uint32_t id)
{
	struct lx_thread *t = lx_thread_find(NULL, id);

	if (t == NULL)
		return -1;
	wait_for_completion(&t->ended);
	return 0;
}

/* The module's exit: every thread has ended (a driver joins its threads
 * in detach); their records go. */
void ks_lx_thread_fini(void)
{
	struct lx_thread *t, *n;

	list_for_each_entry_safe(t, n, &lx_threads, link) {
		list_del(&t->link);
		kfree(t);
	}
}

int ks_lx_curproc(uint32_t *pid, char *comm, size_t commlen)
{
	if (current->flags & PF_KTHREAD)
		return 0;
	*pid = task_tgid_nr(current);
	strscpy(comm, current->group_leader->comm, commlen);
	return 1;
}

int ks_lx_cred_groups(const void *c, uint32_t *gids, int max)
{
	const struct cred *cr;
	int i, n;

	if (c == NULL || c == (const void *)ks_kcred())
		return 0;
	cr = c;
	n = cr->group_info ? cr->group_info->ngroups : 0;
	for (i = 0; i < n && i < max; i++)
		gids[i] = from_kgid(&init_user_ns, cr->group_info->gid[i]);
	return n;
}
