/*
 * kernsim's guest agent: runs Programs (sim/proto/kernsim.proto's Program,
 * the same bytes the simulator runs) against the real driver modules in a
 * Linux guest, one real thread per Program thread, and writes what every
 * call returned to the results channel as text lines (qemu/agent/README
 * describes them). It is the guest's /init child: it reads the manifest
 * /programs/list ("FILE ITERATIONS" lines), and for each iteration loads
 * the Program's driver modules (/modules/ks_NAME.ko variant=V), makes its
 * files, runs its threads, closes what they left open, unloads.
 *
 *   agent [CHANNEL]   (default /dev/ttyS1; "-" for stdout)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "program.pb-c.h"

#define MAX_THREADS 64
#define MAX_RESULTS 4096
#define MAX_FDS 256

static FILE *chan;
static int hang_seconds = 20;
static int kmsg = -1;	/* /dev/kmsg, read from where the last run ended */

static void say(const char *fmt, ...)
{
	va_list ap;

	flockfile(chan);	/* one line at a time, whichever thread says it */
	va_start(ap, fmt);
	vfprintf(chan, fmt, ap);
	va_end(ap);
	fputc('\n', chan);
	fflush(chan);
	funlockfile(chan);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* ---- one run of a Program ---- */

struct result {
	const char *name;
	int64_t value;
	int set;
};

struct run;

struct rthread {
	struct run *run;
	const Kernsim__ProgThread *t;
	uint32_t uid;
	int index;
	pthread_t pt;
	volatile pid_t tid;
	volatile int call;	/* the call it is in, for a hang report */
	volatile int done;
	int64_t *results;	/* per call */
};

struct run {
	const Kernsim__Program *p;
	struct rthread th[MAX_THREADS];
	int nthreads;
	pthread_mutex_t lock;	/* results, fds */
	struct result res[MAX_RESULTS];
	int nres;
	int fds[MAX_FDS];
	int nfds;
};

static int lookup(struct run *r, const char *name, int64_t *v)
{
	int i, found = 0;

	pthread_mutex_lock(&r->lock);
	for (i = r->nres - 1; i >= 0; i--) {
		if (strcmp(r->res[i].name, name) == 0) {
			*v = r->res[i].value;
			found = 1;
			break;
		}
	}
	pthread_mutex_unlock(&r->lock);
	return found;
}

static void keep(struct run *r, const char *name, int64_t v)
{
	pthread_mutex_lock(&r->lock);
	if (r->nres < MAX_RESULTS) {
		r->res[r->nres].name = name;
		r->res[r->nres].value = v;
		r->nres++;
	}
	pthread_mutex_unlock(&r->lock);
}

static void track_fd(struct run *r, int fd, int open)
{
	int i;

	pthread_mutex_lock(&r->lock);
	if (open) {
		if (r->nfds < MAX_FDS)
			r->fds[r->nfds++] = fd;
	} else {
		for (i = 0; i < r->nfds; i++) {
			if (r->fds[i] == fd) {
				r->fds[i] = r->fds[--r->nfds];
				break;
			}
		}
	}
	pthread_mutex_unlock(&r->lock);
}

/* The process's own loads and stores: through process_vm_*, so a bad
 * address is -EFAULT as in the simulator, not a crash of the agent. */
static int mem_rw(uint64_t ua, void *buf, size_t n, int write)
{
	struct iovec local = { buf, n }, remote = { (void *)(uintptr_t)ua, n };
	ssize_t k = write ? process_vm_writev(getpid(), &local, 1, &remote, 1, 0)
			  : process_vm_readv(getpid(), &local, 1, &remote, 1, 0);

	if (k < 0)
		return errno;
	return (size_t)k == n ? 0 : EFAULT;
}

static void hex(char *out, const uint8_t *b, size_t n)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[b[i] >> 4];
		out[2 * i + 1] = d[b[i] & 15];
	}
	out[2 * n] = 0;
}

static int64_t neg(int e) { return -(int64_t)e; }

static int64_t run_call(struct rthread *rt, int ci, const Kernsim__Call *c, int *stop)
{
	struct run *r = rt->run;
	int64_t a[8] = { 0 };
	size_t i;
	const char *op = c->op;

	for (i = 0; i < c->n_arg && i < 8; i++) {
		const Kernsim__Arg *x = c->arg[i];

		if (x->v_case == KERNSIM__ARG__V_REF) {
			if (!lookup(r, x->ref, &a[i])) {
				say("KSA FAIL %d %d no_result the result '%s' was not made yet",
				    rt->index, ci, x->ref);
				*stop = 1;
				return 0;
			}
			a[i] += x->offset;
		} else {
			a[i] = x->value;
		}
	}
	if (!strcmp(op, "open")) {
		int fd = open(c->path, (int)a[0]);

		if (fd < 0)
			return neg(errno);
		track_fd(r, fd, 1);
		return fd;
	}
	if (!strcmp(op, "close")) {
		track_fd(r, (int)a[0], 0);
		return close((int)a[0]) < 0 ? neg(errno) : 0;
	}
	if (!strcmp(op, "ioctl")) {
		long v = ioctl((int)a[0], (unsigned long)a[1], (unsigned long)a[2]);

		return v < 0 ? neg(errno) : v;
	}
	if (!strcmp(op, "read") || !strcmp(op, "write") || !strcmp(op, "pread") ||
	    !strcmp(op, "pwrite")) {
		ssize_t n;
		void *buf = (void *)(uintptr_t)a[1];

		if (!strcmp(op, "read"))
			n = read((int)a[0], buf, (size_t)a[2]);
		else if (!strcmp(op, "write"))
			n = write((int)a[0], buf, (size_t)a[2]);
		else if (!strcmp(op, "pread"))
			n = pread((int)a[0], buf, (size_t)a[2], (off_t)a[3]);
		else
			n = pwrite((int)a[0], buf, (size_t)a[2], (off_t)a[3]);
		return n < 0 ? neg(errno) : n;
	}
	if (!strcmp(op, "mmap")) {
		void *p = mmap(NULL, (size_t)a[0], (int)a[1], MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		return p == MAP_FAILED ? neg(errno) : (int64_t)(uintptr_t)p;
	}
	if (!strcmp(op, "munmap"))
		return munmap((void *)(uintptr_t)a[0], (size_t)a[1]) < 0 ? neg(errno) : 0;
	if (!strcmp(op, "mprotect"))
		return mprotect((void *)(uintptr_t)a[0], (size_t)a[1], (int)a[2]) < 0 ? neg(errno) : 0;
	if (!strcmp(op, "poke")) {
		int e = mem_rw((uint64_t)a[0], c->data.data, c->data.len, 1);

		return e ? neg(e) : 0;
	}
	if (!strcmp(op, "poke_int") || !strcmp(op, "peek_int")) {
		int poke = op[1] == 'o';
		size_t n = (size_t)(poke ? a[2] : a[1]);
		uint8_t b[8] = { 0 };
		uint64_t v = (uint64_t)a[1], x = 0;
		int e;

		if (n > 8)
			n = 8;
		if (poke) {
			for (i = 0; i < n; i++)
				b[i] = (uint8_t)(v >> (8 * i));
			e = mem_rw((uint64_t)a[0], b, n, 1);
			return e ? neg(e) : 0;
		}
		e = mem_rw((uint64_t)a[0], b, n, 0);
		if (e)
			return neg(e);
		for (i = 0; i < n; i++)
			x |= (uint64_t)b[i] << (8 * i);
		return (int64_t)x;
	}
	if (!strcmp(op, "check")) {
		uint8_t *got = malloc(c->data.len + 1);
		int e = mem_rw((uint64_t)a[0], got, c->data.len, 0);

		if (e) {
			say("KSA FAIL %d %d check_fault could not read %zu bytes: errno %d",
			    rt->index, ci, c->data.len, e);
		} else {
			for (i = 0; i < c->data.len; i++) {
				if (got[i] != c->data.data[i]) {
					size_t n = c->data.len - i < 32 ? c->data.len - i : 32;
					char h[65];

					hex(h, got + i, n);
					say("KSA FAIL %d %d data_mismatch at offset %zu of %zu: "
					    "got 0x%02x, expected 0x%02x; bytes there %s",
					    rt->index, ci, i, c->data.len, got[i],
					    c->data.data[i], h);
					break;
				}
			}
		}
		free(got);
		return 0;
	}
	if (!strcmp(op, "kill")) {
		int k;

		for (k = 0; k < r->nthreads; k++) {
			if (!strcmp(r->th[k].t->name, c->path)) {
				if (r->th[k].tid == 0 || r->th[k].done)
					return neg(ESRCH);
				return syscall(SYS_tgkill, getpid(), r->th[k].tid, (int)a[0]) < 0 ?
				    neg(errno) : 0;
			}
		}
		return neg(ESRCH);
	}
	if (!strcmp(op, "gettime"))
		return (int64_t)now_ns();
	if (!strcmp(op, "assert_range")) {
		if (a[0] >= 0 && a[1] >= 0 && (a[0] < a[1] || a[0] > a[2]))
			say("KSA FAIL %d %d oracle:%s value %" PRId64 " outside [%" PRId64
			    ", %" PRId64 "]", rt->index, ci, c->path, a[0], a[1], a[2]);
		return 0;
	}
	say("KSA FAIL %d %d unsupported the agent has no op '%s'", rt->index, ci, op);
	*stop = 1;
	return 0;
}

static void *thread_main(void *arg)
{
	struct rthread *rt = arg;
	size_t ci;

	rt->tid = (pid_t)syscall(SYS_gettid);
	/* a Program process's uid, for this thread only (the raw system call
	 * is per thread on Linux; glibc's setuid would change them all) */
	if (rt->uid != 0 && syscall(SYS_setresuid, rt->uid, rt->uid, rt->uid) != 0)
		say("KSA FAIL %d 0 setup setresuid(%u): errno %d", rt->index, rt->uid, errno);
	for (ci = 0; ci < rt->t->n_call; ci++) {
		const Kernsim__Call *c = rt->t->call[ci];
		int stop = 0;
		int64_t v;

		rt->call = (int)ci;
		v = run_call(rt, (int)ci, c, &stop);
		if (stop)
			break;
		rt->results[ci] = v;
		say("KSA R %d %zu %s %" PRId64, rt->index, ci, c->op, v);
		if (c->out && c->out[0])
			keep(rt->run, c->out, v);
	}
	rt->done = 1;
	return NULL;
}

/* ---- set-up around a run: modules, files ---- */

static int load_module(const char *name, const char *variant)
{
	char path[256], params[160];
	int fd, r;

	snprintf(path, sizeof(path), "/modules/ks_%s.ko", name);
	snprintf(params, sizeof(params), "variant=%s", variant && variant[0] ? variant : "none");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	r = (int)syscall(SYS_finit_module, fd, params, 0);
	close(fd);
	return r < 0 ? errno : 0;
}

static int unload_module(const char *name)
{
	char mod[160];

	snprintf(mod, sizeof(mod), "ks_%s", name);
	return syscall(SYS_delete_module, mod, O_NONBLOCK) < 0 ? errno : 0;
}

static void mkparents(const char *path)
{
	char buf[512];
	char *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p == '/') {
			*p = 0;
			mkdir(buf, 0755);
			*p = '/';
		}
	}
}

static int make_file(const Kernsim__ProgFile *f)
{
	int fd;

	mkparents(f->path);
	unlink(f->path);
	fd = open(f->path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (fd < 0)
		return errno;
	if (ftruncate(fd, (off_t)f->size) < 0) {
		close(fd);
		return errno;
	}
	close(fd);
	if (f->readonly) {
		/* read-only as a file system is: a write open gets EROFS */
		if (mount(f->path, f->path, NULL, MS_BIND, NULL) < 0 ||
		    mount(NULL, f->path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
			return errno;
	}
	return 0;
}

static void remove_file(const Kernsim__ProgFile *f)
{
	if (f->readonly)
		umount2(f->path, MNT_DETACH);
	unlink(f->path);
}

static void on_signal(int sig) { (void)sig; }

/* The kernel's reports of a failure since the last call, each as a
 * "KSA KMSG" line of the run that caused it: oopses, BUGs, warnings, hung
 * tasks, and the backend's own "kernsim: failure" findings. */
static void drain_kmsg(void)
{
	static const char *const pats[] = { "BUG:", "Oops", "general protection",
		"kernsim:", "WARNING:", "INFO: task", "Kernel panic", "unable to handle",
		NULL };
	char rec[2048];
	ssize_t n;
	int i;

	if (kmsg < 0)
		return;
	while ((n = read(kmsg, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		char *msg, *nl;

		if (n <= 0)
			continue;	/* EPIPE: records were overwritten; go on */
		rec[n] = 0;
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		if ((nl = strchr(msg, '\n')) != NULL)
			*nl = 0;
		for (i = 0; pats[i]; i++) {
			if (strstr(msg, pats[i])) {
				say("KSA KMSG %s", msg);
				break;
			}
		}
	}
}

/* Returns 0, or 1 when the run hung (threads still in the kernel: the
 * guest cannot go on). */
static int run_program(const Kernsim__Program *p, int pi, int it)
{
	struct run *r = calloc(1, sizeof(*r));
	uint64_t t0, deadline;
	size_t i;
	int k, hung = 0, e;

	r->p = p;
	pthread_mutex_init(&r->lock, NULL);
	say("KSA BEGIN %d %d", pi, it);
	for (i = 0; i < p->n_file; i++) {
		if ((e = make_file(p->file[i])) != 0)
			say("KSA FAIL -1 -1 setup file %s: errno %d", p->file[i]->path, e);
	}
	for (i = 0; i < p->n_driver; i++) {
		e = load_module(p->driver[i]->name, p->driver[i]->variant);
		say("KSA MODULE load %s %d", p->driver[i]->name, e);
		if (e) {
			say("KSA END %d %d 0 module_load_failed", pi, it);
			for (i = 0; i < p->n_file; i++)
				remove_file(p->file[i]);
			free(r);
			return 0;
		}
	}
	t0 = now_ns();
	r->nthreads = p->n_thread < MAX_THREADS ? (int)p->n_thread : MAX_THREADS;
	for (k = 0; k < r->nthreads; k++) {
		struct rthread *rt = &r->th[k];

		rt->run = r;
		rt->t = p->thread[k];
		rt->index = k;
		rt->results = calloc(rt->t->n_call + 1, sizeof(int64_t));
		for (i = 0; i < p->n_proc; i++)
			if (!strcmp(p->proc[i]->name, rt->t->proc))
				rt->uid = p->proc[i]->uid;
	}
	for (k = 0; k < r->nthreads; k++)
		pthread_create(&r->th[k].pt, NULL, thread_main, &r->th[k]);
	deadline = t0 + (uint64_t)hang_seconds * 1000000000ull;
	for (k = 0; k < r->nthreads; k++) {
		struct timespec ts;
		uint64_t d = deadline;

		clock_gettime(CLOCK_REALTIME, &ts);
		/* timedjoin takes CLOCK_REALTIME: convert the monotonic deadline */
		{
			uint64_t left = d > now_ns() ? d - now_ns() : 0;
			uint64_t rt_ns = (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec + left;

			ts.tv_sec = rt_ns / 1000000000ull;
			ts.tv_nsec = rt_ns % 1000000000ull;
		}
		if (pthread_timedjoin_np(r->th[k].pt, NULL, &ts) != 0)
			hung = 1;
	}
	if (hung) {
		int fd = open("/proc/sysrq-trigger", O_WRONLY);

		for (k = 0; k < r->nthreads; k++)
			if (!r->th[k].done)
				say("KSA HUNG %d %d %s", k, r->th[k].call, r->th[k].t->name);
		if (fd >= 0) {
			/* the blocked tasks' stacks, on the console */
			if (write(fd, "w", 1) < 0)
				say("KSA NOTE sysrq failed");
			close(fd);
		}
		sleep(1);
		drain_kmsg();
		say("KSA END %d %d %" PRIu64 " hang", pi, it, now_ns() - t0);
		return 1;
	}
	/* as at process exit: what the threads left open is closed */
	for (k = 0; k < r->nthreads; k++)
		if (!r->th[k].done)
			say("KSA DIED %d %d %s", k, r->th[k].call, r->th[k].t->name);
	for (k = 0; k < r->nfds; k++)
		close(r->fds[k]);
	drain_kmsg();
	say("KSA END %d %d %" PRIu64 " done", pi, it, now_ns() - t0);
	for (i = p->n_driver; i-- > 0;) {
		e = unload_module(p->driver[i]->name);
		say("KSA MODULE unload %s %d", p->driver[i]->name, e);
	}
	for (i = 0; i < p->n_file; i++)
		remove_file(p->file[i]);
	drain_kmsg();	/* what the unload said belongs to this run */
	for (k = 0; k < r->nthreads; k++)
		free(r->th[k].results);
	free(r);
	return 0;
}

static Kernsim__Program *load_program(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;
	Kernsim__Program *p;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? n : 1);
	if (fread(buf, 1, n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	p = kernsim__program__unpack(NULL, n, buf);
	free(buf);
	return p;
}

int main(int argc, char **argv)
{
	const char *chan_path = argc > 1 ? argv[1] : "/dev/ttyS1";
	FILE *list;
	char line[512];
	int pi = 0, stop = 0;
	struct sigaction sa;
	int sigs[] = { SIGHUP, SIGINT, SIGUSR1, SIGUSR2, SIGALRM, SIGTERM };
	size_t i;

	chan = strcmp(chan_path, "-") ? fopen(chan_path, "w") : stdout;
	if (chan == NULL)
		chan = stdout;
	if (getenv("KSA_HANG_SECONDS"))
		hang_seconds = atoi(getenv("KSA_HANG_SECONDS"));
	/* a Program's kill interrupts a system call (EINTR) and kills nobody */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg >= 0)
		lseek(kmsg, 0, SEEK_END);
	say("KSA HELLO 1");
	list = fopen("/programs/list", "r");
	if (list == NULL) {
		say("KSA FATAL no /programs/list");
		return 1;
	}
	while (!stop && fgets(line, sizeof(line), list)) {
		char file[400];
		int iters = 1, it;
		Kernsim__Program *p;

		if (sscanf(line, "%399s %d", file, &iters) < 1)
			continue;
		p = load_program(file);
		if (p == NULL) {
			say("KSA FATAL cannot decode Program %s", file);
			pi++;
			continue;
		}
		for (it = 0; it < iters && !stop; it++)
			stop = run_program(p, pi, it);
		kernsim__program__free_unpacked(p, NULL);
		pi++;
	}
	say("KSA BYE %s", stop ? "hang" : "ok");
	/*
	 * Power off from here: after a hang, threads asleep in the kernel keep
	 * this process from ever being reaped, so init would wait forever.
	 */
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
