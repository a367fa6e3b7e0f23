/*
 * vmem(9F) arenas as the simulator gives them (kernel_model/illumos/vmem.cc:
 * arenas over their own spans, no import source, qcache_max ignored; the
 * same panics for a bad free, a wrong size and bad xalloc arguments; the
 * same CE_WARN from vmem_destroy). Allocated segments in a sorted array
 * under the arena's mutex; a search takes the lowest address that fits
 * (after the rotor for VM_NEXTFIT), not illumos's free-list order, so the
 * order of recycled identifiers may differ from the simulator's; which
 * identifiers are free at any time does not. VM_SLEEP on an exhausted
 * arena waits on the arena's condition variable, broadcast by every free
 * and vmem_add. vmem_walk holds the arena's lock throughout: a
 * VMEM_REENTRANT callback must not call into the arena.
 */
#include <string.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/ksynch.h>
#include <sys/vmem.h>
#include <sys/systm.h>
#include <sys/cmn_err.h>
#include <sys/kernsim.h>

#include "ks_lx.h"
#include "il_impl.h"

struct il_vrange {
	uintptr_t	r_start, r_end;	/* an allocation's end is rounded up */
	size_t		r_size;		/* an allocation's size as asked */
};

struct vmem {
	char		vm_name[32];
	int		vm_cflags;
	size_t		vm_quantum;
	kmutex_t	vm_lock;
	kcondvar_t	vm_cv;
	struct il_vrange *vm_spans;	/* as added */
	uint32_t	vm_nspan, vm_spancap;
	struct il_vrange *vm_segs;	/* allocated, by address */
	uint32_t	vm_nseg, vm_segcap;
	size_t		vm_inuse, vm_total;
	uintptr_t	vm_rotor;	/* after the last VM_NEXTFIT allocation */
};

static int il_pow2(uintptr_t x) { return ((x & (x - 1)) == 0); }
static uintptr_t il_roundup(uintptr_t x, uintptr_t q) { return ((x + q - 1) & ~(q - 1)); }

static int il_grow(struct il_vrange **a, uint32_t n, uint32_t *cap, int kmflag)
{
	uint32_t ncap;
	struct il_vrange *b;

	if (n < *cap)
		return (1);
	ncap = *cap ? *cap * 2 : 8;
	if ((b = kmem_zalloc(ncap * sizeof (*b), kmflag)) == NULL)
		return (0);
	if (*a != NULL) {
		bcopy(*a, b, n * sizeof (*b));
		kmem_free(*a, *cap * sizeof (*b));
	}
	*a = b;
	*cap = ncap;
	return (1);
}

/*
 * The lowest address in free [g0, g1) meeting the constraints, else 0 with
 * *ok clear (vmem.c's P2PHASEUP and nocross step).
 */
static uintptr_t il_fit(uintptr_t g0, uintptr_t g1, size_t size, uintptr_t align,
    uintptr_t phase, uintptr_t nocross, uintptr_t lo, uintptr_t hi, int *ok)
{
	uintptr_t start, end, t;

	*ok = 0;
	if (g0 >= g1 || g1 - 1 < lo || g0 > hi - 1)
		return (0);
	start = g0 > lo ? g0 : lo;
	end = ((g1 - 1) < (hi - 1) ? (g1 - 1) : (hi - 1)) + 1;
	t = phase - ((phase - start) & -align);
	if (nocross != 0 && ((t ^ (t + size - 1)) > nocross - 1))
		t += il_roundup(-t & (nocross - 1), align);
	if ((t - start) + size > end - start)
		return (0);
	*ok = 1;
	return (t);
}

/* The first fit at or after `from` in address order; *at: where it goes. */
static int il_search(vmem_t *vm, size_t size, uintptr_t align, uintptr_t phase,
    uintptr_t nocross, uintptr_t lo, uintptr_t hi, uintptr_t from, uintptr_t *addr,
    uint32_t *at)
{
	uint32_t s, i;
	int ok, found = 0;
	uintptr_t best = 0, g0, t;

	for (s = 0; s < vm->vm_nspan; s++) {
		g0 = vm->vm_spans[s].r_start;
		for (i = 0; i <= vm->vm_nseg; i++) {
			struct il_vrange *r = i < vm->vm_nseg ? &vm->vm_segs[i] : NULL;

			if (r != NULL && (r->r_end <= vm->vm_spans[s].r_start ||
			    r->r_start >= vm->vm_spans[s].r_end))
				continue;
			t = il_fit(g0 > from ? g0 : from,
			    r ? r->r_start : vm->vm_spans[s].r_end, size, align, phase,
			    nocross, lo, hi, &ok);
			if (ok && (!found || t < best)) {
				found = 1;
				best = t;
			}
			if (r != NULL)
				g0 = r->r_end;
		}
	}
	if (!found)
		return (0);
	for (i = 0; i < vm->vm_nseg && vm->vm_segs[i].r_start < best; i++)
		;
	*addr = best;
	*at = i;
	return (1);
}

static void *il_take(vmem_t *vm, uintptr_t addr, size_t size, uint32_t at, int kmflag)
{
	if (!il_grow(&vm->vm_segs, vm->vm_nseg, &vm->vm_segcap, kmflag))
		return (NULL);
	ovbcopy(&vm->vm_segs[at], &vm->vm_segs[at + 1],
	    (vm->vm_nseg - at) * sizeof (struct il_vrange));
	vm->vm_segs[at].r_start = addr;
	vm->vm_segs[at].r_end = addr + il_roundup(size, vm->vm_quantum);
	vm->vm_segs[at].r_size = size;
	vm->vm_nseg++;
	vm->vm_inuse += size;
	return ((void *)addr);
}

static void *il_alloc(vmem_t *vm, size_t size, uintptr_t align, uintptr_t phase,
    uintptr_t nocross, uintptr_t lo, uintptr_t hi, int vmflag)
{
	uintptr_t addr;
	uint32_t at;
	void *p = NULL;

	if (size == 0)
		ks_panic("vmem_xalloc(%s): size == 0", vm->vm_name);
	mutex_enter(&vm->vm_lock);
	for (;;) {
		if (((vmflag & VM_NEXTFIT) && il_search(vm, size, align, phase, nocross,
		    lo, hi, vm->vm_rotor, &addr, &at)) ||
		    il_search(vm, size, align, phase, nocross, lo, hi, 0, &addr, &at)) {
			p = il_take(vm, addr, size, at, vmflag & VM_NOSLEEP ? KM_NOSLEEP :
			    KM_SLEEP);
			if (p != NULL && (vmflag & VM_NEXTFIT))
				vm->vm_rotor = addr + il_roundup(size, vm->vm_quantum);
			break;
		}
		if (vmflag & (VM_NOSLEEP | VM_ABORT))
			break;
		cv_wait(&vm->vm_cv, &vm->vm_lock);
	}
	mutex_exit(&vm->vm_lock);
	if (p == NULL && (vmflag & VM_PANIC))
		ks_panic("vmem_xalloc(%s, %lu): cannot satisfy mandatory allocation",
		    vm->vm_name, (unsigned long)size);
	return (p);
}

vmem_t *vmem_xcreate(const char *name, void *base, size_t size, size_t quantum,
    vmem_ximport_t *afunc, vmem_free_t *ffunc, vmem_t *source, size_t qcache_max, int vmflag)
{
	vmem_t *vm;

	(void) ffunc;
	(void) qcache_max;
	if (afunc != NULL || source != NULL)
		ks_not_modelled("vmem_create with an import source (afunc, source)");
	if (quantum == 0 || !il_pow2(quantum))
		ks_panic("vmem_create(%s): quantum %lu is not a power of 2",
		    name ? name : "NULL", (unsigned long)quantum);
	if ((vm = kmem_zalloc(sizeof (*vm), (vmflag & VM_NOSLEEP) ? KM_NOSLEEP :
	    KM_SLEEP)) == NULL)
		return (NULL);
	(void) strncpy(vm->vm_name, name ? name : "", sizeof (vm->vm_name) - 1);
	vm->vm_cflags = vmflag;
	vm->vm_quantum = quantum;
	mutex_init(&vm->vm_lock, NULL, MUTEX_DEFAULT, NULL);
	cv_init(&vm->vm_cv, NULL, CV_DEFAULT, NULL);
	if ((base != NULL || size != 0) && vmem_add(vm, base, size, vmflag) == NULL) {
		vmem_destroy(vm);
		return (NULL);
	}
	return (vm);
}

vmem_t *vmem_create(const char *name, void *base, size_t size, size_t quantum,
    vmem_alloc_t *afunc, vmem_free_t *ffunc, vmem_t *source, size_t qcache_max, int vmflag)
{
	if (afunc != NULL || source != NULL)
		ks_not_modelled("vmem_create with an import source (afunc, source)");
	return (vmem_xcreate(name, base, size, quantum, NULL, ffunc, NULL, qcache_max,
	    vmflag & ~(VMC_XALLOC | VMC_XALIGN)));
}

void vmem_destroy(vmem_t *vm)
{
	if (vm->vm_inuse != 0)
		cmn_err(CE_WARN, "vmem_destroy('%s'): leaked %lu %s", vm->vm_name,
		    (unsigned long)vm->vm_inuse,
		    (vm->vm_cflags & VMC_IDENTIFIER) ? "identifiers" : "bytes");
	if (vm->vm_segs != NULL)
		kmem_free(vm->vm_segs, vm->vm_segcap * sizeof (struct il_vrange));
	if (vm->vm_spans != NULL)
		kmem_free(vm->vm_spans, vm->vm_spancap * sizeof (struct il_vrange));
	cv_destroy(&vm->vm_cv);
	mutex_destroy(&vm->vm_lock);
	kmem_free(vm, sizeof (*vm));
}

void *vmem_add(vmem_t *vm, void *vaddr, size_t size, int vmflag)
{
	uintptr_t start = (uintptr_t)vaddr, end = start + size;
	uint32_t i;

	if (vaddr == NULL || size == 0 || end < start)
		ks_panic("vmem_add(%s, %p, %lu): bad arguments", vm->vm_name, vaddr,
		    (unsigned long)size);
	if ((start | end) & (vm->vm_quantum - 1))
		ks_panic("vmem_span_create(%s, %p, %lu): misaligned", vm->vm_name, vaddr,
		    (unsigned long)size);
	mutex_enter(&vm->vm_lock);
	for (i = 0; i < vm->vm_nspan; i++)
		if (start < vm->vm_spans[i].r_end && vm->vm_spans[i].r_start < end)
			ks_panic("vmem_add(%s, %p, %lu): overlaps the arena's span",
			    vm->vm_name, vaddr, (unsigned long)size);
	if (!il_grow(&vm->vm_spans, vm->vm_nspan, &vm->vm_spancap,
	    (vmflag & VM_NOSLEEP) ? KM_NOSLEEP : KM_SLEEP)) {
		mutex_exit(&vm->vm_lock);
		return (NULL);
	}
	vm->vm_spans[vm->vm_nspan].r_start = start;
	vm->vm_spans[vm->vm_nspan].r_end = end;
	vm->vm_nspan++;
	vm->vm_total += size;
	cv_broadcast(&vm->vm_cv);
	mutex_exit(&vm->vm_lock);
	return (vaddr);
}

void *vmem_xalloc(vmem_t *vm, size_t size, size_t align_arg, size_t phase, size_t nocross,
    void *minaddr, void *maxaddr, int vmflag)
{
	uintptr_t align = align_arg ? align_arg : vm->vm_quantum;

	if ((align | phase | nocross) & (vm->vm_quantum - 1))
		ks_panic("vmem_xalloc(%s): parameters not vm_quantum aligned", vm->vm_name);
	if (nocross != 0 && (align > nocross || il_roundup(phase + size, align) > nocross))
		ks_panic("vmem_xalloc(%s): overconstrained allocation", vm->vm_name);
	if (phase >= align || !il_pow2(align) || !il_pow2(nocross))
		ks_panic("vmem_xalloc(%s): parameters inconsistent or invalid", vm->vm_name);
	return (il_alloc(vm, size, align, phase, nocross, (uintptr_t)minaddr,
	    (uintptr_t)maxaddr, vmflag & ~VM_NEXTFIT));
}

void *vmem_alloc(vmem_t *vm, size_t size, int vmflag)
{
	return (il_alloc(vm, size, vm->vm_quantum, 0, 0, 0, 0, vmflag));
}

void vmem_xfree(vmem_t *vm, void *vaddr, size_t size)
{
	uintptr_t addr = (uintptr_t)vaddr;
	uint32_t i;

	mutex_enter(&vm->vm_lock);
	for (i = 0; i < vm->vm_nseg && vm->vm_segs[i].r_start != addr; i++)
		;
	if (i == vm->vm_nseg)
		ks_panic("vmem_hash_delete('%s', %lx, %lu): bad free", vm->vm_name,
		    (unsigned long)addr, (unsigned long)size);
	if (vm->vm_segs[i].r_size != size)
		ks_panic("vmem_hash_delete('%s', %lx, %lu): wrong size (expect %lu)",
		    vm->vm_name, (unsigned long)addr, (unsigned long)size,
		    (unsigned long)vm->vm_segs[i].r_size);
	vm->vm_inuse -= size;
	ovbcopy(&vm->vm_segs[i + 1], &vm->vm_segs[i],
	    (vm->vm_nseg - i - 1) * sizeof (struct il_vrange));
	vm->vm_nseg--;
	cv_broadcast(&vm->vm_cv);
	mutex_exit(&vm->vm_lock);
}

void vmem_free(vmem_t *vm, void *vaddr, size_t size)
{
	vmem_xfree(vm, vaddr, size);
}

int vmem_contains(vmem_t *vm, void *vaddr, size_t size)
{
	uintptr_t start = (uintptr_t)vaddr, end = start + size;
	uint32_t i;
	int in = 0;

	mutex_enter(&vm->vm_lock);
	for (i = 0; i < vm->vm_nspan && !in; i++)
		in = start >= vm->vm_spans[i].r_start && end - 1 <= vm->vm_spans[i].r_end - 1;
	mutex_exit(&vm->vm_lock);
	return (in);
}

size_t vmem_size(vmem_t *vm, int typemask)
{
	size_t n = 0;

	if (typemask & VMEM_ALLOC)
		n += vm->vm_inuse;
	if (typemask & VMEM_FREE)
		n += vm->vm_total - vm->vm_inuse;
	return (n);
}

/* In the simulator's order: each span as added, then its segments by address. */
void vmem_walk(vmem_t *vm, int typemask, void (*func)(void *, void *, size_t), void *arg)
{
	uint32_t s, i;
	uintptr_t g0;

	if (typemask & VMEM_WALKER)
		return;
	mutex_enter(&vm->vm_lock);
	for (s = 0; s < vm->vm_nspan; s++) {
		struct il_vrange *sp = &vm->vm_spans[s];

		if (typemask & VMEM_SPAN)
			func(arg, (void *)sp->r_start, sp->r_end - sp->r_start);
		g0 = sp->r_start;
		for (i = 0; i < vm->vm_nseg; i++) {
			struct il_vrange *r = &vm->vm_segs[i];

			if (r->r_end <= sp->r_start || r->r_start >= sp->r_end)
				continue;
			if ((typemask & VMEM_FREE) && g0 < r->r_start)
				func(arg, (void *)g0, r->r_start - g0);
			if (typemask & VMEM_ALLOC)
				func(arg, (void *)r->r_start, r->r_size);
			g0 = r->r_end;
		}
		if ((typemask & VMEM_FREE) && g0 < sp->r_end)
			func(arg, (void *)g0, sp->r_end - g0);
	}
	mutex_exit(&vm->vm_lock);
}
