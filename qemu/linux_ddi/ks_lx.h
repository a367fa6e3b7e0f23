/*
 * The boundary inside the Linux backend of the illumos personality. Files
 * in il/ are compiled like a driver (illumos headers, no Linux header) and
 * implement the illumos DDI; files in lx/ include Linux headers and
 * implement kernsim/abi.h (locks, kmem, taskqs, copyin) and what follows.
 * The two sides meet only here, in plain C types, so neither sees the
 * other's dev_t, cred or file. (NetBSD's rump kernels draw the same line.)
 */
#ifndef KS_LX_H
#define KS_LX_H

#include <stdint.h>
#include <stddef.h>

/* ---- lx/: Linux services the illumos side calls ---- */

/* The driver's character device region (one per module) and its class,
 * whose devices devtmpfs shows under their illumos names. */
int ks_lx_region_init(const char *drv, uint32_t *major);
void ks_lx_region_fini(void);
/* A minor node: name may hold '/' ("rlofi/1" is /dev/rlofi/1); blk marks
 * the illumos block node of that minor (a Linux character device here). */
int ks_lx_node_create(const char *name, uint32_t minor, int blk);
void ks_lx_node_remove(const char *name);	/* NULL: all of them */

/* A backing file (vn_open and the fop_* of a regular file). */
void *ks_lx_file_open(const char *path, int write, int *error);
int ks_lx_file_close(void *f);
/* vtype as illumos numbers it (VREG 1, VDIR 2, VBLK 3, VCHR 4, ...) */
int ks_lx_file_getattr(void *f, uint64_t *size, int *vtype, uint32_t *mode);
/* Moves len bytes at off between the file and the kernel buffer buf. */
int ks_lx_file_rdwr(void *f, int write, void *buf, size_t len, int64_t off, size_t *resid);
int ks_lx_file_fsync(void *f);

/* len bytes of the kernel's randomness (get_random_bytes). */
void ks_lx_random_bytes(void *buf, size_t len);

/* The caller's uid (0 for the kernel's own credentials). */
uint32_t ks_lx_cred_uid(const void *cred);
uint32_t ks_lx_cred_gid(const void *cred);
/* The credential's supplementary groups: how many, and up to max of them
 * into gids (the kernel's own credentials have none). */
int ks_lx_cred_groups(const void *cred, uint32_t *gids, int max);

/* The calling task's process: 0 for a kernel thread, else 1 with its
 * thread group id and command name (comm of at least 17 bytes). */
int ks_lx_curproc(uint32_t *pid, char *comm, size_t commlen);

/* ddi_umem_lock's pinning: the calling task's [uaddr, + len) (whole pages)
 * pinned for the device (FOLL_LONGTERM; FOLL_WRITE when write), or NULL
 * with *error the errno (EFAULT for a page that cannot be pinned). Linux's
 * munmap and exit do not wait for a pin: the pages stay until the unpin. */
void *ks_lx_pin_user(uint64_t uaddr, size_t len, int write, int *error);
void ks_lx_unpin_user(void *pin);

/* Kernel threads a driver starts (thread_create): fn(arg) on a kthread
 * whose id is returned (0: none could be made); ks_lx_thread_exit ends the
 * calling one from any depth (it must be one of these), ks_lx_thread_join
 * waits until thread id has ended. done(arg) runs as the thread ends, to
 * free what the illumos side gave it. */
uint32_t ks_lx_thread_create(const char *name, void (*fn)(void *), void *arg,
    void (*done)(void *));
void ks_lx_thread_exit(void);	/* never returns (objtool must not be told) */
int ks_lx_thread_join(uint32_t id);

/* What the backend does not give: a panic naming it, as the simulator's
 * ks_not_modelled is a failure naming it. Not declared noreturn, so that
 * objtool does not see a function end in a call it cannot follow. */
void ks_lx_not_given(const char *what);

/* ---- il/: the illumos side's entry points for the Linux device ---- */

/* The module's load and unload: _init, attach of instance 0; detach,
 * _fini. Return 0 or an errno. */
int ks_il_module_load(void);
int ks_il_module_unload(void);
/* One open of a node, one release (close(9E) at the last of its type),
 * read/write through the driver's cb_read/cb_write and ioctl. fflags are
 * illumos's FREAD/FWRITE/FEXCL/FNDELAY; model 1 for a 32-bit caller. */
int ks_il_dev_open(uint32_t minor, int blk, int fflags);
int ks_il_dev_close(uint32_t minor, int blk, int fflags);
int ks_il_dev_rw(uint32_t minor, int write, uint64_t ubuf, size_t len, int64_t *off,
    int fflags, size_t *done);
int ks_il_dev_ioctl(uint32_t minor, int cmd, long arg, int fflags, int model, int *rval);

#endif
