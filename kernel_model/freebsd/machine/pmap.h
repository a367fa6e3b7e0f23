/*
 * FreeBSD <machine/pmap.h> (amd64): vtophys onto pmap_kextract (vm/pmap.h
 * says what kernsim's physical addresses are).
 */
#ifndef _KS_FREEBSD_MACHINE_PMAP_H
#define _KS_FREEBSD_MACHINE_PMAP_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif
vm_paddr_t pmap_kextract(vm_offset_t va);
#ifdef __cplusplus
}
#endif

#define vtophys(va)	pmap_kextract((vm_offset_t)(va))

#endif
