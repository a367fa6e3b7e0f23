/*
 * thread_create, thread_exit, thread_join, curthread and curproc for the
 * Linux backend, with the simulator's rules (kernel_model/illumos/thread.cc):
 * the kernel's own stack only, TS_RUN only, len > 0 copies up to 256 bytes
 * of arg for the thread; a created thread's process is p0; curproc is p0 in
 * a kernel thread, else a record of the calling process (pid, command).
 */
#include <string.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/ksynch.h>
#include <sys/mutex.h>
#include <sys/thread.h>
#include <sys/proc.h>
#include <sys/cred.h>
#include <sys/sunddi.h>
#include <sys/kernsim.h>

#include "ks_lx.h"

#define IL_ARG_COPY_MAX 256

proc_t p0 = { .p_pid = 0, .p_user = { .u_comm = "sched", .u_psargs = "sched" } };

/* One record per thread asked about (curthread) or created, and per
 * process (curproc): kept until the module unloads, few in a guest run. */
struct il_thread_rec {
	struct il_thread_rec *next;
	uint32_t tid;
	kthread_t t;
};

struct il_proc_rec {
	struct il_proc_rec *next;
	proc_t p;
};

static struct il_thread_rec *il_threads;
static struct il_proc_rec *il_procs;
static kmutex_t il_rec_lock;

static kthread_t *il_thread_of(uint32_t tid)
{
	struct il_thread_rec *r;

	mutex_enter(&il_rec_lock);
	for (r = il_threads; r != NULL; r = r->next)
		if (r->tid == tid)
			break;
	if (r == NULL) {
		r = kmem_zalloc(sizeof (*r), KM_SLEEP);
		r->tid = tid;
		r->t.t_did = tid;
		r->next = il_threads;
		il_threads = r;
	}
	mutex_exit(&il_rec_lock);
	return (&r->t);
}

proc_t *ks_il_curproc(void)
{
	struct il_proc_rec *r;
	uint32_t pid;
	char comm[MAXCOMLEN + 1];

	if (!ks_lx_curproc(&pid, comm, sizeof (comm)))
		return (&p0);
	mutex_enter(&il_rec_lock);
	for (r = il_procs; r != NULL; r = r->next)
		if (r->p.p_pid == (pid_t)pid)
			break;
	if (r == NULL) {
		r = kmem_zalloc(sizeof (*r), KM_SLEEP);
		r->p.p_pid = (pid_t)pid;
		r->next = il_procs;
		il_procs = r;
	}
	strlcpy(r->p.p_user.u_comm, comm, sizeof (r->p.p_user.u_comm));
	strlcpy(r->p.p_user.u_psargs, comm, sizeof (r->p.p_user.u_psargs));
	r->p.p_cred = (struct cred *)ks_il_cred();
	mutex_exit(&il_rec_lock);
	return (&r->p);
}

kthread_t *ks_il_curthread(void)
{
	kthread_t *t = il_thread_of(ks_thread_id());

	t->t_procp = ks_il_curproc();
	return (t);
}

struct il_start {
	void (*proc)(void *);
	void *arg;
	size_t len;
	unsigned char copy[IL_ARG_COPY_MAX];
};

static void il_thread_start(void *p)
{
	struct il_start *s = p;

	s->proc(s->len ? (void *)s->copy : s->arg);
}

static void il_thread_done(void *p)
{
	kmem_free(p, sizeof (struct il_start));
}

kthread_t *ks_il_thread_create(caddr_t stk, size_t stksize, void (*proc)(void *), void *arg,
    size_t len, struct proc *pp, int state, pri_t pri, const char *name)
{
	struct il_start *s;
	kthread_t *t;
	uint32_t id;

	if (stk)
		ks_lx_not_given("thread_create on a stack of the driver's own");
	if (state != TS_RUN)
		ks_lx_not_given("thread_create of a thread not TS_RUN");
	if (len > IL_ARG_COPY_MAX) {
		ks_lx_not_given("thread_create copying more than 256 bytes of its argument");
		len = IL_ARG_COPY_MAX;
	}
	s = kmem_zalloc(sizeof (*s), KM_SLEEP);
	s->proc = proc;
	s->arg = arg;
	s->len = len;
	if (len)
		memcpy(s->copy, arg, len);
	id = ks_lx_thread_create(name, il_thread_start, s, il_thread_done);
	if (id == 0)
		ks_lx_not_given("thread_create without a kernel thread to make");
	t = il_thread_of(id);
	t->t_procp = &p0;	/* a kernel thread's, whatever pp asked */
	return (t);
}

void thread_exit(void)
{
	ks_lx_thread_exit();
	for (;;)
		;
}

void thread_join(kt_did_t did)
{
	(void) ks_lx_thread_join((uint32_t)did);
}
