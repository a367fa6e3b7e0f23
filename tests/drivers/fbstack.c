/*-
 * fbstack: a pool of tokens behind ioctls, with two bugs a campaign finds.
 *
 *   STACK_TAKE   takes a token: it tests the count under the mutex, drops
 *                the mutex, and takes the token under it again, so two
 *                takers can both see the last token (a KASSERT panics).
 *   STACK_NOTE   counts the calls, under the mutex unless `quiet`, a local
 *                nothing sets: whether the mutex is taken, and so the
 *                execution's events and schedule, is whatever the stack
 *                held there (an uninitialised local, as drivers have them).
 *   STACK_SCRIBBLE  leaves a pattern in a deep local, as any deep call of a
 *                real driver leaves its locals behind.
 *   STACK_SPIN   runs the given number of loop turns with no scheduling
 *                point (a long computation, not a hang).
 *
 * For tests/python/test_stack_determinism.py: the bytes a driver's locals
 * start with must be the same in every run of an execution, whatever the
 * process ran before it.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/module.h>
#include <sys/conf.h>
#include <sys/ioccom.h>
#include <sys/lock.h>
#include <sys/mutex.h>

#define	STACK_TAKE	_IO('S', 1)
#define	STACK_NOTE	_IO('S', 2)
#define	STACK_SCRIBBLE	_IO('S', 3)
#define	STACK_SPIN	_IOW('S', 4, int)

#define	STACK_SCRIBBLE_BYTES	2048

static struct mtx stack_mtx;
static int stack_tokens;	/* under stack_mtx */
static int stack_notes;		/* under stack_mtx, unless quiet */
static struct cdev *stack_dev;

static __attribute__((noinline)) int
stack_take(void)
{
	int avail;

	mtx_lock(&stack_mtx);
	avail = stack_tokens;
	mtx_unlock(&stack_mtx);
	if (avail == 0)
		return (EAGAIN);
	mtx_lock(&stack_mtx);
	stack_tokens--;		/* the bug: avail may be stale by now */
	KASSERT(stack_tokens >= 0, ("fbstack: the last token taken twice"));
	mtx_unlock(&stack_mtx);
	return (0);
}

/* The uninitialised read is this driver's bug, on purpose. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#ifndef __clang__
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
static __attribute__((noinline)) int
stack_note(void)
{
	volatile int quiet[STACK_SCRIBBLE_BYTES / sizeof(int) / 2];

	if (!quiet[0])
		mtx_lock(&stack_mtx);
	stack_notes++;
	if (!quiet[0])
		mtx_unlock(&stack_mtx);
	return (0);
}
#pragma GCC diagnostic pop

static __attribute__((noinline)) int
stack_scribble(void)
{
	volatile unsigned char deep[STACK_SCRIBBLE_BYTES];
	size_t i;

	for (i = 0; i < sizeof(deep); i++)
		deep[i] = 0x5a;
	return (0);
}

static __attribute__((noinline)) int
stack_spin(int turns)
{
	volatile int i;

	for (i = 0; i < turns; i++)
		continue;
	return (0);
}

static int
stack_ioctl(struct cdev *dev, u_long cmd, caddr_t data, int fflag,
    struct thread *td)
{
	switch (cmd) {
	case STACK_TAKE:
		return (stack_take());
	case STACK_NOTE:
		return (stack_note());
	case STACK_SCRIBBLE:
		return (stack_scribble());
	case STACK_SPIN:
		return (stack_spin(*(int *)data));
	default:
		return (ENOTTY);
	}
}

static struct cdevsw stack_cdevsw = {
	.d_version =	D_VERSION,
	.d_ioctl =	stack_ioctl,
	.d_name =	"fbstack",
};

static int
stack_modevent(module_t mod, int type, void *data)
{
	switch (type) {
	case MOD_LOAD:
		mtx_init(&stack_mtx, "fbstack", NULL, MTX_DEF);
		stack_tokens = 1;
		stack_dev = make_dev(&stack_cdevsw, 0, UID_ROOT, GID_WHEEL, 0666,
		    "fbstack");
		return (0);
	case MOD_UNLOAD:
		destroy_dev(stack_dev);
		mtx_destroy(&stack_mtx);
		return (0);
	default:
		return (EOPNOTSUPP);
	}
}

DEV_MODULE(fbstack, stack_modevent, NULL);
