"""Driver code compiles as on the real systems: a call with no prototype is
an error (the flags every driver module is built with), and a
driver gets from a header what the real header gives it (illumos
<sys/ksynch.h> brings the lock interfaces through <sys/t_lock.h>; sunddi.h
and ddi.h bring what they bring on illumos: usr/src/uts/common/sys/
{ksynch,t_lock,sunddi,ddi}.h; FreeBSD's sys/systm.h brings callout.h and
libkern.h). Each case is one compiler run on a temporary file (-fsyntax-only),
well under a second."""

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT

CC = os.environ.get("CC", "cc")


def driver_warnings():
    """The warnings of the flags the build gives every driver module
    (cmake/KernsimDriver.cmake, as kernsim build-driver reads them)."""
    from kernsim import build_driver
    return [f for f in build_driver.config()["cflags"] if f.startswith("-W")]


def compile_c(tmp_path, personality, source, only_syntax=True):
    src = tmp_path / "drv.c"
    src.write_text(source)
    mode = ["-fsyntax-only"] if only_syntax else ["-c", "-o", str(tmp_path / "drv.o")]
    cmd = [CC, "-std=gnu11", *mode, *driver_warnings(),
           "-I", os.path.join(ROOT, "kernel_model", personality),
           "-I", os.path.join(ROOT, "kernel_model", "abi"), str(src)]
    return subprocess.run(cmd, capture_output=True, text=True,
                          env=dict(os.environ, LC_ALL="C"))


def test_a_call_without_a_prototype_does_not_compile(tmp_path):
    # C99 made it invalid; gcc only warns unless told: the driver flags make
    # it an error naming the function, where it used to link to whatever
    # symbol had the name (an out-of-line twin naming every lock "mutex").
    r = compile_c(tmp_path, "illumos", """
        #include <sys/types.h>
        int f(void) { return ks_no_such_function(1); }
    """)
    assert r.returncode != 0
    assert "implicit declaration of function" in r.stderr
    assert "ks_no_such_function" in r.stderr
    assert "-Werror=implicit-function-declaration" in r.stderr


def test_illumos_ksynch_brings_the_lock_interfaces(tmp_path):
    r = compile_c(tmp_path, "illumos", """
        #include <sys/ksynch.h>
        static kmutex_t m; static kcondvar_t cv; static krwlock_t rw; static ksema_t s;
        void f(void) {
            mutex_init(&m, NULL, MUTEX_DRIVER, NULL); cv_init(&cv, NULL, CV_DRIVER, NULL);
            rw_init(&rw, NULL, RW_DRIVER, NULL); sema_init(&s, 1, NULL, SEMA_DRIVER, NULL);
            mutex_enter(&m); (void) cv_reltimedwait(&cv, &m, 1, TR_CLOCK_TICK);
            mutex_exit(&m); rw_enter(&rw, RW_READER); rw_exit(&rw);
            sema_p(&s); sema_v(&s);
        }
    """)
    assert r.returncode == 0, r.stderr


def test_illumos_sunddi_and_ddi_bring_what_they_bring(tmp_path):
    r = compile_c(tmp_path, "illumos", """
        #include <sys/types.h>
        #include <sys/ddi.h>
        #include <sys/sunddi.h>
        static kmutex_t m;
        int f(dev_info_t *dip, struct buf *bp, char *dst) {
            long v; ddi_softint_handle_t h; ddi_taskq_t *tq;
            mutex_enter(&m); mutex_exit(&m);
            cmn_err(CE_NOTE, "%d", ddi_get_instance(dip));
            ddi_report_dev(dip);
            (void) strlcpy(dst, "x", 2); (void) snprintf(dst, 2, "%d", 1);
            (void) ddi_strtol("12", NULL, 10, &v);
            (void) ddi_intr_add_softint(dip, &h, DDI_INTR_SOFTPRI_MIN, NULL, NULL);
            tq = ddi_taskq_create(dip, "q", 1, TASKQ_DEFAULTPRI, 0);
            ddi_taskq_destroy(tq);
            biodone(bp); delay(drv_usectohz(1000)); drv_usecwait(10);
            return min(1, 2) + (int) ddi_get_time();
        }
    """)
    assert r.returncode == 0, r.stderr


def test_freebsd_systm_brings_callouts_and_libkern(tmp_path):
    r = compile_c(tmp_path, "freebsd", """
        #include <sys/param.h>
        #include <sys/systm.h>
        #include <sys/kernel.h>
        #include <sys/lock.h>
        #include <sys/mutex.h>
        #include <sys/rwlock.h>
        #include <sys/time.h>
        static struct mtx m; static struct callout c; static struct rwlock rw;
        static void fn(void *arg) { (void) arg; }
        int f(char *dst) {
            struct timeval tv;
            mtx_init(&m, "m", NULL, MTX_DEF); callout_init_mtx(&c, &m, 0);
            mtx_lock(&m); (void) callout_reset(&c, hz, fn, NULL); (void) callout_stop(&c);
            mtx_unlock(&m); callout_drain(&c);
            rw_init(&rw, "rw"); rw_wlock(&rw); rw_assert(&rw, RA_WLOCKED); rw_wunlock(&rw);
            (void) strlcpy(dst, "x", 2); (void) snprintf(dst, 2, "%d", imin(1, 2));
            printf("%d\\n", ticks); log(LOG_ERR, "x"); (void) pause("p", 1); DELAY(10);
            getmicrouptime(&tv); KASSERT(tv.tv_sec >= 0, ("time"));
            return (int) time_uptime;
        }
    """.replace("LOG_ERR", "3"))
    assert r.returncode == 0, r.stderr


def test_freebsd_file_flags_and_errno_have_freebsds_values(tmp_path):
    # FreeBSD's kernel <sys/param.h> brings <sys/errno.h>; O_NONBLOCK is
    # IO_NDELAY (0x4, where the host's <fcntl.h> says 04000), so a d_read
    # testing ioflag against either sees a non-blocking file; FIONBIO is
    # the generic ioctl the kernel handles before d_ioctl.
    r = compile_c(tmp_path, "freebsd", """
        #include <sys/param.h>
        #include <sys/conf.h>
        #include <sys/fcntl.h>
        #include <fcntl.h>
        #include <sys/filio.h>
        #include <sys/taskqueue.h>
        _Static_assert(O_NONBLOCK == IO_NDELAY && FNONBLOCK == 0x4, "O_NONBLOCK");
        _Static_assert(FREAD == 1 && FWRITE == 2 && O_EXCL == 0x800, "flags");
        _Static_assert(FIONBIO == 0x8004667eUL && FIOASYNC == 0x8004667dUL, "filio");
        #include <sys/systm.h>
        #include <sys/mutex.h>
        static struct task t; static struct mtx m;
        static volatile u_int n; static volatile u_long l; static void *volatile vp;
        int f(void) {
            u_int old = 0; void *p;
            taskqueue_enqueue(taskqueue_thread, &t);
            taskqueue_drain(taskqueue_swi, &t);
            mtx_lock(&m);
            (void) msleep(&n, &m, PRIBIO | PCATCH, "w", hz);
            (void) msleep(&n, &m, PZERO | PDROP, "w", 0);
            (void) tsleep(&l, PWAIT, "t", 1); wakeup(&n); wakeup_one(&l);
            atomic_add_int(&n, 1); atomic_subtract_rel_int(&n, 1);
            atomic_set_long(&l, 4); atomic_clear_acq_long(&l, 4);
            (void) atomic_cmpset_int(&n, 0, 1); (void) atomic_fcmpset_acq_int(&n, &old, 2);
            (void) atomic_fetchadd_int(&n, 1); (void) atomic_readandclear_long(&l);
            atomic_store_rel_int(&n, atomic_load_acq_int(&n));
            p = atomic_load_ptr(&vp); atomic_store_ptr(&vp, p);
            (void) atomic_cmpset_ptr((volatile uintptr_t *)&vp, (uintptr_t)p, 0);
            (void) atomic_testandset_int(&n, 3); atomic_thread_fence_seq_cst();
            return EWOULDBLOCK + EOPNOTSUPP + ENOTTY;
        }
    """)
    assert r.returncode == 0, r.stderr


def test_freebsd_and_illumos_driver_furniture_compiles(tmp_path):
    # What drivers carry besides their logic: sysctl knobs, DTrace and KTR
    # probes, counters, UMA zones (FreeBSD); _NOTE, DTrace probes, the
    # dispatcher priorities, ioctl encoding and filio (illumos).
    r = compile_c(tmp_path, "freebsd", """
        #include <sys/param.h>
        #include <sys/systm.h>
        #include <sys/sysctl.h>
        #include <sys/sdt.h>
        #include <sys/ktr.h>
        #include <sys/counter.h>
        #include <sys/smp.h>
        #include <sys/limits.h>
        #include <sys/stdint.h>
        #include <sys/stddef.h>
        #include <sys/ctype.h>
        #include <vm/uma.h>
        #include <sys/priv.h>
        #include <sys/sbuf.h>
        #include <sys/eventhandler.h>
        static int knob = 3;
        static void on_shutdown(void *arg, int howto) { (void) arg; (void) howto; }
        static char name[16] = "x";
        SYSCTL_NODE(_hw, OID_AUTO, drv, CTLFLAG_RD | CTLFLAG_MPSAFE, 0, "drv");
        SYSCTL_INT(_hw_drv, OID_AUTO, knob, CTLFLAG_RWTUN, &knob, 0, "a knob");
        SYSCTL_STRING(_hw_drv, OID_AUTO, name, CTLFLAG_RW, name, sizeof(name), "name");
        TUNABLE_INT("hw.drv.knob", &knob);
        SDT_PROVIDER_DEFINE(drv);
        SDT_PROBE_DEFINE2(drv, , io, start, "int", "int");
        static int handler(SYSCTL_HANDLER_ARGS) {
            int v = *(int *)arg1, error = sysctl_handle_int(oidp, &v, 0, req);
            if (error || req->newptr == NULL) return (error);
            return (v < 0 ? EINVAL : 0);
        }
        int f(void) {
            struct sysctl_ctx_list ctx; struct sysctl_oid *o; counter_u64_t c;
            uma_zone_t z; void *p; int cpu, n = 0;
            sysctl_ctx_init(&ctx);
            o = SYSCTL_ADD_NODE(&ctx, SYSCTL_STATIC_CHILDREN(_hw), OID_AUTO, "d", CTLFLAG_RD,
                NULL, "d");
            SYSCTL_ADD_PROC(&ctx, SYSCTL_CHILDREN(o), OID_AUTO, "k",
                CTLTYPE_INT | CTLFLAG_RW, &knob, 0, handler, "I", "k");
            sysctl_ctx_free(&ctx);
            SDT_PROBE2(drv, , io, start, 1, 2); CTR2(KTR_DEV, "x %d %d", 1, 2);
            c = counter_u64_alloc(M_WAITOK); counter_u64_add(c, 1);
            n += (int)counter_u64_fetch(c); counter_u64_free(c);
            z = uma_zcreate("z", 32, NULL, NULL, NULL, NULL, UMA_ALIGN_PTR, 0);
            p = uma_zalloc(z, M_WAITOK | M_ZERO); uma_zfree(z, p); uma_zdestroy(z);
            CPU_FOREACH(cpu) n += cpu;
            n += priv_check(curthread, PRIV_DRIVER);
            { struct sbuf *sb = sbuf_new_auto(); eventhandler_tag tag;
              sbuf_printf(sb, "%d", n); sbuf_cat(sb, "x"); sbuf_putc(sb, 'y');
              n += sbuf_finish(sb) + (int)sbuf_len(sb) + (sbuf_data(sb)[0] == '0');
              sbuf_delete(sb);
              tag = EVENTHANDLER_REGISTER(shutdown_final, on_shutdown, NULL,
                  SHUTDOWN_PRI_DEFAULT);
              EVENTHANDLER_DEREGISTER(shutdown_final, tag); }
            return n + INT_MAX % 7 + (int)offsetof(struct sysctl_req, oldptr) +
                isspace(' ') + toupper('a') + (int)(uintptr_t)SIZE_MAX % 3 + mp_ncpus;
        }
    """)
    assert r.returncode == 0, r.stderr
    r = compile_c(tmp_path, "illumos", """
        #include <sys/types.h>
        #include <sys/note.h>
        #include <sys/sdt.h>
        #include <sys/disp.h>
        #include <sys/filio.h>
        #include <sys/ddi.h>
        #include <sys/sunddi.h>
        #include <sys/policy.h>
        #include <sys/thread.h>
        #include <sys/proc.h>
        #include <sys/avl.h>
        #include <sys/id_space.h>
        #define DRV_GET _IOR('d', 1, int)
        struct obj { avl_node_t node; int key; };
        static int cmp(const void *a, const void *b) {
            const struct obj *x = a, *y = b;
            return (x->key < y->key ? -1 : x->key > y->key);
        }
        static void worker(void *arg) { (void) arg; thread_exit(); }
        _Static_assert(FIONBIO == (int)0x8004667e && DRV_GET == 0x40046401, "ioccom");
        int f(dev_info_t *dip, int unused) {
            _NOTE(ARGUNUSED(unused))
            ddi_taskq_t *tq = ddi_taskq_create(dip, "q", 1, TASKQ_DEFAULTPRI, 0);
            DTRACE_PROBE2(drv__start, int, 1, int, 2);
            ddi_taskq_destroy(tq);
            (void) thread_create(NULL, 0, worker, NULL, 0, &p0, TS_RUN, minclsyspri);
            avl_tree_t t; avl_index_t where; struct obj o = { .key = 1 }, *p;
            id_space_t *ids = id_space_create("ids", 0, 8); id_t id = id_alloc(ids);
            avl_create(&t, cmp, sizeof (struct obj), offsetof(struct obj, node));
            if (avl_find(&t, &o, &where) == NULL) avl_insert(&t, &o, where);
            for (p = avl_first(&t); p != NULL; p = AVL_NEXT(&t, p)) (void) p;
            avl_remove(&t, &o); avl_destroy(&t); id_free(ids, id); id_space_destroy(ids);
            return (int)minclsyspri + (int)maxclsyspri + (curthread != NULL) +
                secpolicy_sys_config(kcred, B_FALSE);
        }
    """)
    assert r.returncode == 0, r.stderr


def test_the_headers_outside_drivers_include_first(tmp_path):
    # Found by compiling typical drivers' include lists (2026-12-07):
    # <sys/ioctl.h> fell through to the host's, whose Linux encoding puts
    # _IOW's direction where FreeBSD has IOC_OUT (the argument was never
    # copied in); illumos drivers include <sys/systm.h> and ASSERT on
    # MUTEX_HELD; FreeBSD drivers keep RB trees and bit strings.
    r = compile_c(tmp_path, "freebsd", """
        #include <sys/param.h>
        #include <sys/systm.h>
        #include <sys/ioctl.h>
        #include <sys/malloc.h>
        #include <sys/tree.h>
        #include <sys/pcpu.h>
        #include <sys/unistd.h>
        #include <sys/kthread.h>
        #include <sys/bitstring.h>
        #include <sys/stdarg.h>
        #define DRV_SET _IOW('d', 1, int)
        _Static_assert(DRV_SET == 0x80046401UL && FIONBIO == 0x8004667eUL, "ioccom");
        _Static_assert(RFHIGHPID == (1 << 18) && RFPROC == (1 << 4), "unistd");
        struct n { RB_ENTRY(n) link; int key; };
        static int cmp(struct n *a, struct n *b) { return (a->key - b->key); }
        RB_HEAD(t, n);
        RB_PROTOTYPE_STATIC(t, n, link, cmp);
        RB_GENERATE_STATIC(t, n, link, cmp)
        int f(struct malloc_type *mt, ...) {
            struct t head = RB_INITIALIZER(&head); struct n a = { .key = 1 }, *x, *y;
            bitstr_t *bits = bit_alloc(100, mt, M_WAITOK); int r, k = 0; va_list ap;
            va_start(ap, mt); va_end(ap);
            RB_INSERT(t, &head, &a);
            RB_FOREACH_SAFE(x, t, &head, y) k += x->key;
            RB_FOREACH_REVERSE(x, t, &head) k += RB_NFIND(t, &head, x) == x;
            RB_REMOVE(t, &head, &a);
            bit_set(bits, 3); bit_ffs(bits, 100, &r); free(bits, mt);
            return k + r + PCPU_GET(cpuid) + (PCPU_GET(curthread) == curthread);
        }
    """)
    assert r.returncode == 0, r.stderr
    r = compile_c(tmp_path, "illumos", """
        #include <sys/types.h>
        #include <sys/systm.h>
        #include <sys/ioctl.h>
        #include <sys/ksynch.h>
        #include <sys/debug.h>
        #include <sys/callb.h>
        #include <sys/cpuvar.h>
        #include <sys/bitmap.h>
        #include <sys/byteorder.h>
        #include <sys/zone.h>
        #include <sys/inttypes.h>
        #include <sys/int_types.h>
        #include <sys/varargs.h>
        #include <sys/proc.h>
        #include <sys/ddi.h>
        #include <sys/sunddi.h>
        #define DRV_SET _IOW('d', 1, int)
        _Static_assert(DRV_SET == (int)0x80046401 && FIONBIO == (int)0x8004667e, "ioccom");
        _Static_assert(BE_32(0x01020304) == 0x04030201 && LE_16(0x0102) == 0x0102, "order");
        static kmutex_t m;
        int f(const void *uaddr) {
            callb_cpr_t cpr; ulong_t map[BT_BITOUL(100)] = { 0 }; uint8_t b[8];
            int v;
            CALLB_CPR_INIT(&cpr, &m, callb_generic_cpr, "t");
            mutex_enter(&m);
            ASSERT(MUTEX_HELD(&m));
            CALLB_CPR_SAFE_BEGIN(&cpr); CALLB_CPR_SAFE_END(&cpr, &m);
            CALLB_CPR_EXIT(&cpr);
            BT_SET(map, 70);
            BE_OUT32(b, 0x01020304);
            if (copyin(uaddr, &v, sizeof (v)) != 0) return (-1);
            return v + BT_TEST(map, 70) + highbit(8) + lowbit(8) + (int)bt_availbit(map, 100) +
                CPU->cpu_id + ncpus + getzoneid() + (int)BE_IN32(b) + (MUTEX_NOT_HELD(&m)) +
                (curproc == &p0);
        }
    """)
    assert r.returncode == 0, r.stderr


def test_poll_headers_compile(tmp_path):
    # poll(2) for character drivers: FreeBSD's d_poll with selinfo, and
    # illumos's chpoll with pollhead, each with its kernel's values.
    r = compile_c(tmp_path, "freebsd", """
        #include <sys/param.h>
        #include <sys/systm.h>
        #include <sys/conf.h>
        #include <sys/poll.h>
        #include <sys/selinfo.h>
        static struct selinfo si;
        static int drv_poll(struct cdev *dev, int events, struct thread *td) {
            if (events & (POLLIN | POLLRDNORM)) selrecord(td, &si);
            return poll_no_poll(events & POLLSTANDARD);
        }
        static struct cdevsw sw = { .d_version = D_VERSION, .d_poll = drv_poll };
        _Static_assert(POLLINIGNEOF == 0x2000 && POLLRDHUP == 0x4000 && INFTIM == -1, "poll");
        _Static_assert(sizeof(struct pollfd) == 8, "pollfd");
        int f(void) {
            selwakeup(&si); selwakeuppri(&si, PZERO); seldrain(&si);
            return SEL_WAITING(&si) + (sw.d_poll != NULL) + POLLWRNORM + POLLRDBAND;
        }
    """)
    assert r.returncode == 0, r.stderr
    r = compile_c(tmp_path, "illumos", """
        #include <sys/types.h>
        #include <sys/conf.h>
        #include <sys/ddi.h>
        #include <sys/sunddi.h>
        #include <sys/poll.h>
        static pollhead_t ph;
        static int drv_chpoll(dev_t dev, short events, int anyyet, short *reventsp,
            struct pollhead **phpp) {
            *reventsp = 0;
            if (!anyyet) *phpp = &ph;
            return (0);
        }
        static struct cb_ops cb = { .cb_chpoll = drv_chpoll };
        _Static_assert(POLLET == 0x2000 && POLLNORM == POLLRDNORM && POLLRDHUP == 0x4000, "p");
        _Static_assert(sizeof(pollfd_t) == 8, "pollfd");
        int f(void) {
            pollwakeup(&ph, POLLIN | POLLRDNORM); pollhead_clean(&ph);
            return (cb.cb_chpoll != nochpoll) + POLLWRBAND;
        }
    """)
    assert r.returncode == 0, r.stderr


def build_dir():
    """The build tree whose python/ is on sys.path (where kernsim came from):
    the one whose kernsim/_core*.so the coverage script reads."""
    import glob
    for p in sys.path:
        b = os.path.dirname(os.path.abspath(p or "."))
        if glob.glob(os.path.join(b, "python", "kernsim", "_core*.so")):
            return b
    pytest.skip("no build tree with kernsim's core module on sys.path")


def test_coverage_does_not_fall(root):
    # scripts/personality_coverage.py on this tree: fewer provided names
    # than when this was written (2026-12-06; raised 2026-12-07, and for
    # poll(2) the same day; illumos 499 with ddi_prop_undefine and
    # crgetgroups/crgetngroups)
    # means an interface was lost.
    r = subprocess.run([sys.executable, os.path.join(root, "scripts", "personality_coverage.py"),
                        "--build", build_dir()],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    t = json.loads(r.stdout)
    assert t["illumos"]["provided"] >= 499, t["illumos"]
    assert t["freebsd"]["provided"] >= 300, t["freebsd"]
    assert not t["illumos"]["notes"], t["illumos"]["notes"]


QNX_HEADERS = ["sys/neutrino.h", "sys/iomsg.h", "sys/resmgr.h", "sys/dispatch.h",
               "sys/iofunc.h", "devctl.h", "pthread.h", "stdlib.h", "unistd.h", "assert.h",
               "sys/kernsim.h"]


@pytest.mark.parametrize("header", QNX_HEADERS)
def test_qnx_header_stands_alone(tmp_path, header):
    r = compile_c(tmp_path, "qnx", f"#include <{header}>\n")
    assert r.returncode == 0, r.stderr


def test_qnx_libc_names_are_the_kernel_models(tmp_path):
    """A resource manager's malloc, mutexes, delay and assert are the
    kernel model's (kmem, checked locks, virtual time, an assertion
    report), not the host's: each name expands to the model's call."""
    src = tmp_path / "drv.c"
    src.write_text("#include <stdlib.h>\n#include <pthread.h>\n#include <unistd.h>\n"
                   "#include <assert.h>\nstatic pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;\n"
                   "void f(void) { void *p = malloc(8); pthread_mutex_lock(&m); delay(1);\n"
                   "  assert(p); pthread_mutex_unlock(&m); free(p); }\n")
    cmd = [CC, "-std=gnu11", "-E", "-I", os.path.join(ROOT, "kernel_model", "qnx"),
           "-I", os.path.join(ROOT, "kernel_model", "abi"), str(src)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    body = out[out.index("void f(void)"):]
    for name in ("ks_qnx_malloc", "ks_mutex_enter", "ks_qnx_delay", "ks_assert_failed",
                 "ks_mutex_exit", "ks_qnx_free"):
        assert name in body, (name, body)


def test_illumos_names_an_out_of_tree_driver_uses_compile(tmp_path):
    # The ilprobe audit: names three drivers written outside kernsim needed,
    # each where illumos declares it; the kernel build's defines (_KERNEL,
    # _SYSCALL32, _MULTI_DATAMODEL from <sys/isa_defs.h>); id_t an int and
    # caddr32_t unsigned, as illumos has them.
    r = compile_c(tmp_path, "illumos", """
        #include <sys/types.h>
        #include <sys/types32.h>
        #include <sys/param.h>
        #include <sys/time.h>
        #include <sys/ksynch.h>
        #include <sys/kmem.h>
        #include <sys/taskq.h>
        #include <sys/atomic.h>
        #include <sys/disp.h>
        #include <sys/systm.h>
        #include <sys/cred.h>
        #include <sys/policy.h>
        #include <sys/dkio.h>
        #include <sys/conf.h>
        #include <sys/ddi.h>
        #include <sys/sunddi.h>
        #if !defined(_KERNEL) || !defined(_SYSCALL32) || !defined(_MULTI_DATAMODEL)
        #error "the kernel build's defines"
        #endif
        _Static_assert((id_t)-1 < 0, "id_t is signed");
        _Static_assert((caddr32_t)-1 > 0, "caddr32_t is unsigned");
        static kmutex_t m; static kcondvar_t cv;
        int f(dev_t dev, dev_info_t *dip, cred_t *cr, char *path) {
            struct dk_minfo mi; struct dk_minfo_ext mx; timestruc_t ts;
            uint32_t v = 0; int len = 8, *ints; uint_t n; uint64_t nb = 0;
            char *s = kmem_asprintf("%s%d", "q", 1);
            strfree(s);
            mutex_enter(&m);
            (void) cv_timedwait_hires(&cv, &m, MSEC2NSEC(5), 0, CALLOUT_FLAG_ROUNDUP);
            (void) cv_timedwait_sig_hires(&cv, &m, gethrtime() + NANOSEC, 0,
                CALLOUT_FLAG_ABSOLUTE);
            (void) cv_wait_sig_swap(&cv, &m);
            mutex_exit(&m);
            gethrestime(&ts); membar_sync(); kpreempt_disable(); kpreempt_enable();
            ovbcopy(path, path + 1, 1); crhold(cr); crfree(cr);
            (void) secpolicy_excl_open(cr); (void) ddi_pathname(dip, path);
            (void) ddi_dev_is_needed(dip, 0, 1);
            (void) ddi_prop_op_nblocks(dev, dip, PROP_LEN_AND_VAL_BUF, 0, "Nblocks",
                (caddr_t)&nb, &len, 64);
            (void) ddi_prop_op_size(dev, dip, PROP_LEN, 0, "Size", NULL, &len, 512);
            if (ddi_prop_lookup_int_array(DDI_DEV_T_ANY, dip, DDI_PROP_DONTPASS, "x",
                &ints, &n) == DDI_PROP_SUCCESS)
                ddi_prop_free(ints);
            mi.dki_media_type = DK_FIXED_DISK; mx.dki_pbsize = 512;
            return (int)(MSEC_TO_TICK(25) + USEC_TO_TICK_ROUNDUP(1) + TASKQID_INVALID +
                DKIOCGMEDIAINFO + DKIOCFLUSHWRITECACHE + DDI_PROP_BUF_TOO_SMALL + v +
                mi.dki_lbsize + mx.dki_lbsize + ts.tv_sec);
        }
    """)
    assert r.returncode == 0, r.stderr


def test_illumos_system_taskq_is_a_compile_error_naming_it(tmp_path):
    r = compile_c(tmp_path, "illumos", """
        #include <sys/types.h>
        #include <sys/taskq.h>
        static void fn(void *arg) { (void) arg; }
        int f(void) { return taskq_dispatch(system_taskq, fn, NULL, TQ_SLEEP) != 0; }
    """)
    assert r.returncode != 0
    assert "system_taskq is not modelled" in r.stderr


def test_freebsd_static_malloc_define_unused_draws_no_warning(tmp_path):
    """FreeBSD's MALLOC_DEFINE also makes a SYSINIT/SYSUNINIT naming the
    type (sys/malloc.h), so a `static MALLOC_DEFINE` never allocated from
    is no unused variable there; it was a warning at build-driver. And the
    KPIs of the fbkpi probe have their prototypes: callout_async_drain,
    kproc_kthread_add, cpu_ticks, cpu_tickrate, cputick2usec."""
    r = compile_c(tmp_path, "freebsd", """
        #include <sys/param.h>
        #include <sys/systm.h>
        #include <sys/kernel.h>
        #include <sys/malloc.h>
        #include <sys/lock.h>
        #include <sys/mutex.h>
        #include <sys/callout.h>
        #include <sys/proc.h>
        #include <sys/kthread.h>
        static MALLOC_DEFINE(M_UNUSED, "unused", "never allocated from");
        static struct mtx m; static struct callout c; static struct proc *p;
        static void fn(void *arg) { (void) arg; }
        uint64_t f(void) {
            mtx_lock(&m); (void) callout_async_drain(&c, fn); mtx_unlock(&m);
            (void) kproc_kthread_add(fn, NULL, &p, NULL, 0, 0, "kp", "kt%d", 1);
            return cputick2usec(cpu_ticks()) + cpu_tickrate();
        }
    """, only_syntax=False)   # the unused-variable warning needs code generation
    assert r.returncode == 0, r.stderr
    assert "warning" not in r.stderr, r.stderr


def test_an_identifier_arena_for_minors_builds_as_illumos_drivers_write_it(tmp_path):
    # <sys/vmem.h> did not exist (2026-12-07): a pseudo driver taking its
    # clone minors from a vmem identifier arena failed to build. The flag
    # values are illumos's (sys/vmem.h), MAXMIN32 its mkdev.h's.
    r = compile_c(tmp_path, "illumos", """
        #include <sys/types.h>
        #include <sys/vmem.h>
        #include <sys/ddi.h>
        #include <sys/sunddi.h>
        _Static_assert(VM_SLEEP == 0 && VM_NOSLEEP == 1 && VM_PUSHPAGE == 4 &&
            VM_BESTFIT == 0x100 && VM_FIRSTFIT == 0x200 && VM_NEXTFIT == 0x400 &&
            VMC_IDENTIFIER == 0x40000 && MAXMIN32 == 0x3ffff, "vmem.h");
        static vmem_t *arena;
        int f(dev_t *devp) {
            minor_t m;
            arena = vmem_create("xx_minor", (void *)1, MAXMIN32, 1, NULL, NULL,
                NULL, 0, VM_SLEEP | VMC_IDENTIFIER);
            m = (minor_t)(uintptr_t)vmem_alloc(arena, 1, VM_SLEEP);
            *devp = makedevice(getmajor(*devp), m);
            vmem_free(arena, (void *)(uintptr_t)m, 1);
            m += (minor_t)vmem_size(arena, VMEM_ALLOC | VMEM_FREE);
            vmem_destroy(arena);
            return ((int)m);
        }
    """)
    assert r.returncode == 0, r.stderr
