/*
 * The small illumos DDI calls the simulator gives (kernel_model/illumos/
 * ddi_misc.cc, user.cc), given here with the same answers: names and paths
 * of the one instance, the virtual date (boot KS_IL_BOOT_TIME plus the
 * kernel's uptime), drv_getparm, page and bit arithmetic, copyin(9F) and
 * friends, and the secpolicy_* checks (root only, no privilege sets).
 */
#include <string.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/param.h>
#include <sys/conf.h>
#include <sys/cred.h>
#include <sys/policy.h>
#include <sys/cmn_err.h>
#include <sys/systm.h>
#include <sys/time.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/random.h>
#include <sys/kernsim.h>

#include "ks_lx.h"
#include "il_impl.h"

void ddi_report_dev(dev_info_t *dip)
{
	const char *n = ddi_driver_name(dip);
	int i = ddi_get_instance(dip);

	ks_log(CE_CONT, "%s%d is /pseudo/%s@%d", n, i, n, i);
}

char *ddi_pathname(dev_info_t *dip, char *path)
{
	if (dip != NULL && dip->di_nexus)
		snprintf(path, MAXPATHLEN, "%s", dip == ddi_root_node() ? "" : "/pseudo");
	else
		snprintf(path, MAXPATHLEN, "/pseudo/%s@%d", ddi_driver_name(dip),
		    ddi_get_instance(dip));
	return (path);
}

int ddi_dev_is_needed(dev_info_t *dip, int cmp, int level) { return (DDI_SUCCESS); }
char *ddi_binding_name(dev_info_t *dip) { return ((char *)ddi_driver_name(dip)); }
char *ddi_get_name(dev_info_t *dip) { return ((char *)ddi_driver_name(dip)); }
int ddi_no_info(dev_info_t *dip, ddi_info_cmd_t cmd, void *arg, void **result)
{
	return (DDI_FAILURE);
}
ddi_devstate_t ddi_get_devstate(dev_info_t *dip) { return (DDI_DEVSTATE_UP); }
int ddi_in_panic(void) { return (0); }

/* Linux's randomness: the guest is the oracle's kernel, not a replay. */
int random_get_bytes(uint8_t *p, size_t len) { ks_lx_random_bytes(p, len); return (0); }
int random_get_pseudo_bytes(uint8_t *p, size_t len) { ks_lx_random_bytes(p, len); return (0); }
int ddi_can_receive_sig(void) { return (ks_curproc_pid() != 0); }
cred_t *ddi_get_cred(void) { return (ks_il_cred()); }
kt_did_t ddi_get_kt_did(void) { return ((kt_did_t)ks_thread_id()); }

time_t ddi_get_time(void) { return ((time_t)(KS_IL_BOOT_TIME + ks_now_ns() / 1000000000ULL)); }
time_t gethrestime_sec(void) { return (ddi_get_time()); }
void gethrestime(timestruc_t *tp)
{
	tp->tv_sec = ddi_get_time();
	tp->tv_nsec = (long)(ks_now_ns() % 1000000000ULL);
}

int drv_getparm(uint_t parm, void *valuep)
{
	switch (parm) {
	case LBOLT: *(clock_t *)valuep = ddi_get_lbolt(); return (0);
	case TIME: *(time_t *)valuep = ddi_get_time(); return (0);
	case PPID: *(pid_t *)valuep = (pid_t)ks_curproc_pid(); return (0);
	case UCRED: *(cred_t **)valuep = ks_il_cred(); return (0);
	default: return (-1);
	}
}

void drv_usecwait(clock_t usec) { ks_preempt(); }
major_t getemajor(dev_t d) { return (getmajor(d)); }
minor_t geteminor(dev_t d) { return (getminor(d)); }

unsigned long btop(unsigned long b) { return (b >> PAGESHIFT); }
unsigned long btopr(unsigned long b) { return ((b + PAGEOFFSET) >> PAGESHIFT); }
unsigned long ptob(unsigned long p) { return (p << PAGESHIFT); }
unsigned long ddi_btop(dev_info_t *dip, unsigned long b) { return (btop(b)); }
unsigned long ddi_btopr(dev_info_t *dip, unsigned long b) { return (btopr(b)); }
unsigned long ddi_ptob(dev_info_t *dip, unsigned long p) { return (ptob(p)); }

static int il_ffs64(unsigned long long v) { return (v ? __builtin_ctzll(v) + 1 : 0); }
static int il_fls64(unsigned long long v) { return (v ? 64 - __builtin_clzll(v) : 0); }
int ddi_ffs(long v) { return (il_ffs64((unsigned long)v)); }
int ddi_fls(long v) { return (il_fls64((unsigned long)v)); }
int ddi_ffsll(long long v) { return (il_ffs64((unsigned long long)v)); }
int ddi_flsll(long long v) { return (il_fls64((unsigned long long)v)); }

void ovbcopy(const void *from, void *to, size_t n) { memmove(to, from, n); }

/* copyin(9F): 0 or -1; copyinstr(9F): 0, EFAULT or ENAMETOOLONG. */
int copyin(const void *userbuf, void *driverbuf, size_t cn)
{
	return (ks_copyin((uint64_t)(uintptr_t)userbuf, driverbuf, cn) == 0 ? 0 : -1);
}
int copyout(const void *driverbuf, void *userbuf, size_t cn)
{
	return (ks_copyout(driverbuf, (uint64_t)(uintptr_t)userbuf, cn) == 0 ? 0 : -1);
}
int copyinstr(const char *uaddr, char *kaddr, size_t max, size_t *done)
{
	return (ks_copyinstr((uint64_t)(uintptr_t)uaddr, kaddr, max, done));
}
int copyoutstr(const char *kaddr, char *uaddr, size_t max, size_t *done)
{
	return (ks_copyoutstr(kaddr, (uint64_t)(uintptr_t)uaddr, max, done));
}

#define IL_PRIV(c) ks_cred_priv((const struct ks_cred *)(c))
int secpolicy_sys_config(const cred_t *c, boolean_t check) { return (IL_PRIV(c)); }
int secpolicy_net_config(const cred_t *c, boolean_t check) { return (IL_PRIV(c)); }
int secpolicy_dl_config(const cred_t *c) { return (IL_PRIV(c)); }
int secpolicy_net_rawaccess(const cred_t *c) { return (IL_PRIV(c)); }
int secpolicy_resource(const cred_t *c) { return (IL_PRIV(c)); }
int secpolicy_console(const cred_t *c) { return (IL_PRIV(c)); }
int secpolicy_ponline(const cred_t *c) { return (IL_PRIV(c)); }
int secpolicy_sys_devices(const cred_t *c) { return (IL_PRIV(c)); }
int secpolicy_blacklist(const cred_t *c) { return (IL_PRIV(c)); }
int secpolicy_excl_open(const cred_t *c) { return (IL_PRIV(c)); }
