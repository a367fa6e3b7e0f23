/* illumos <sys/taskq.h> */
#ifndef _KS_ILLUMOS_SYS_TASKQ_H
#define _KS_ILLUMOS_SYS_TASKQ_H

#include <sys/types.h>
#include <kernsim/abi.h>

typedef struct taskq taskq_t;
typedef uintptr_t taskqid_t;
typedef void (task_func_t)(void *);
/* taskq_dispatch's answer when it could not queue */
#define TASKQID_INVALID ((taskqid_t)0)
#ifndef _KS_ILLUMOS_PRI_T
#define _KS_ILLUMOS_PRI_T
typedef short pri_t;
#endif

/* taskq_create flags */
#define TASKQ_PREPOPULATE 0x0001
#define TASKQ_CPR_SAFE 0x0002
#define TASKQ_DYNAMIC 0x0004
#define TASKQ_THREADS_CPU_PCT 0x0008
#define TASKQ_DC_BATCH 0x0010

/* taskq_dispatch flags */
#define TQ_SLEEP 0x00
#define TQ_NOSLEEP 0x01
#define TQ_NOQUEUE 0x02
#define TQ_NOALLOC 0x04
#define TQ_FRONT 0x08

/*
 * A caller's own entry for taskq_dispatch_ent: dispatching it allocates
 * nothing and cannot fail; it must not be dispatched again before its
 * function has started (illumos would link it into the queue twice:
 * kernsim reports it). taskq_init_ent zeroes one.
 */
typedef struct taskq_ent {
	struct taskq_ent *tqent_next;
	struct taskq_ent *tqent_prev;
	task_func_t *tqent_func;
	void *tqent_arg;
	uintptr_t tqent_flags;
} taskq_ent_t;

/* System-class priorities (illumos's values; priorities are not modelled). */
#define minclsyspri ((pri_t)60)
#define maxclsyspri ((pri_t)99)

#ifdef __cplusplus
extern "C" {
#endif

extern taskq_t *taskq_create(const char *, int, pri_t, int, int, uint_t);
extern taskqid_t taskq_dispatch(taskq_t *, task_func_t, void *, uint_t);
extern void taskq_wait(taskq_t *);
extern void taskq_destroy(taskq_t *);
/* no entry starts until taskq_resume; returns once running ones returned */
extern void taskq_suspend(taskq_t *);
extern void taskq_resume(taskq_t *);
extern int taskq_suspended(taskq_t *);

extern void taskq_init_ent(taskq_ent_t *);
extern void ks_il_taskq_dispatch_ent(taskq_t *, task_func_t, void *, uint_t,
    taskq_ent_t *, const char *);
extern taskq_t *ks_il_taskq_create(const char *, int, int, uint_t, const char *);
extern taskqid_t ks_il_taskq_dispatch(taskq_t *, task_func_t, void *, uint_t,
    const char *);

#ifdef __cplusplus
}
#endif

#define taskq_create(name, nthreads, pri, minalloc, maxalloc, flags) \
	ks_il_taskq_create((name), (nthreads), (maxalloc), (flags), #name)
#define taskq_dispatch(tq, func, arg, flags) \
	ks_il_taskq_dispatch((tq), (func), (arg), (flags), #tq)
#define taskq_dispatch_ent(tq, func, arg, flags, ent) \
	ks_il_taskq_dispatch_ent((tq), (func), (arg), (flags), (ent), #tq)
/*
 * The kernel's shared system_taskq is not modelled (its workers would
 * outlive every module, and each execution's teardown checks a driver's
 * taskqs): a driver that uses it does not compile, with this message.
 */
#define system_taskq (__extension__({ _Static_assert(0, "kernsim: system_taskq is not " \
	"modelled; dispatch to a taskq the driver creates (taskq_create, " \
	"ddi_taskq_create)"); (taskq_t *)0; }))
#define taskq_wait(tq) ks_taskq_wait((ks_taskq_t *)(tq), #tq)
#define taskq_destroy(tq) ks_taskq_destroy((ks_taskq_t *)(tq), #tq)
#define taskq_suspend(tq) ks_taskq_suspend((ks_taskq_t *)(tq), #tq)
#define taskq_resume(tq) ks_taskq_resume((ks_taskq_t *)(tq), #tq)
#define taskq_suspended(tq) ks_taskq_suspended((ks_taskq_t *)(tq), #tq)

#endif
