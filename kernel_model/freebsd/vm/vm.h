/*
 * FreeBSD <vm/vm.h>: protections (VM_PROT_* equal PROT_*, which the device
 * pager relies on) and the default memory attribute a d_mmap leaves alone.
 */
#ifndef _KS_FREEBSD_VM_VM_H
#define _KS_FREEBSD_VM_VM_H

#include <sys/types.h>

typedef unsigned char vm_prot_t;

#define VM_PROT_NONE	((vm_prot_t)0x00)
#define VM_PROT_READ	((vm_prot_t)0x01)
#define VM_PROT_WRITE	((vm_prot_t)0x02)
#define VM_PROT_EXECUTE	((vm_prot_t)0x04)

#define VM_MEMATTR_DEFAULT	((vm_memattr_t)6)	/* amd64: write-back */

#endif
