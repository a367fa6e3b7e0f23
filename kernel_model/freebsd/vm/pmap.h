/*
 * FreeBSD <vm/pmap.h>: pmap_kextract, the physical address of a kernel
 * virtual one, which a d_mmap hands back (through vtophys, machine/pmap.h).
 *
 * kernsim's physical addresses: kernel memory (malloc, uma, contigmalloc
 * ...) has a fixed physical address, the same in every run; any other
 * address (a module's global, a stack) has none kernsim models, and
 * asking for it ends the run as not_modelled:pmap_kextract.
 */
#ifndef _KS_FREEBSD_VM_PMAP_H
#define _KS_FREEBSD_VM_PMAP_H

#include <sys/types.h>
#include <vm/vm.h>
#include <machine/pmap.h>

#endif
