/*
 * ddi_umem_lock(9F), ddi_umem_unlock and umem_lockmemory as the simulator
 * gives them (kernel_model/illumos/umem_lock.cc: the same refusals, from
 * sunddi.c), over Linux's page pinning. Linux's munmap and exit do not
 * wait for pinned pages, and never call a cleanup callback: the pages
 * stay pinned until the driver unlocks them.
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/param.h>
#include <sys/kmem.h>
#include <sys/proc.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/esunddi.h>
#include <sys/kernsim.h>

#include "ks_lx.h"
#include "il_impl.h"

struct ddi_umem_cookie {
	void	*uc_pin;
};

static int il_umem_lock(caddr_t addr, size_t len, int flags, ddi_umem_cookie_t *cookiep,
    struct umem_callback_ops *ops, proc_t *procp, int allowed)
{
	void (*cleanup)(ddi_umem_cookie_t *) = NULL;
	struct ddi_umem_cookie *c;
	int error;

	*cookiep = NULL;
	if ((flags & ~allowed) != 0)
		return (EINVAL);
	if ((flags & (DDI_UMEMLOCK_READ | DDI_UMEMLOCK_WRITE)) == 0)
		return (EINVAL);
	if (((uintptr_t)addr & PAGEOFFSET) != 0 || (len & PAGEOFFSET) != 0)
		return (EINVAL);
	if (ops != NULL) {
		if (ops->cbo_umem_callback_version != UMEM_CALLBACK_VERSION)
			return (EINVAL);
		cleanup = ops->cbo_umem_lock_cleanup;
	}
	if (cleanup == NULL && (flags & DDI_UMEMLOCK_LONGTERM))
		return (EINVAL);
	if (procp == &p0)
		return (EFAULT);
	if (procp != NULL && procp->p_pid != curproc->p_pid)
		ks_lx_not_given("umem_lockmemory of another process's memory");
	c = kmem_alloc(sizeof (*c), KM_SLEEP);
	c->uc_pin = ks_lx_pin_user((uint64_t)(uintptr_t)addr, len,
	    (flags & DDI_UMEMLOCK_WRITE) != 0, &error);
	if (c->uc_pin == NULL) {
		kmem_free(c, sizeof (*c));
		return (error);
	}
	*cookiep = c;
	return (0);
}

int ddi_umem_lock(caddr_t addr, size_t len, int flags, ddi_umem_cookie_t *cookiep)
{
	return (il_umem_lock(addr, len, flags, cookiep, NULL, NULL,
	    DDI_UMEMLOCK_READ | DDI_UMEMLOCK_WRITE));
}

int umem_lockmemory(caddr_t addr, size_t len, int flags, ddi_umem_cookie_t *cookiep,
    struct umem_callback_ops *ops, proc_t *procp)
{
	return (il_umem_lock(addr, len, flags, cookiep, ops, procp,
	    DDI_UMEMLOCK_READ | DDI_UMEMLOCK_WRITE | DDI_UMEMLOCK_LONGTERM));
}

void ddi_umem_unlock(ddi_umem_cookie_t cookie)
{
	ks_lx_unpin_user(cookie->uc_pin);
	kmem_free(cookie, sizeof (*cookie));
}
