/*
 * FreeBSD <sys/mman.h>: the protections a d_mmap is asked for (nprot) and
 * the mapping flags, FreeBSD's values.
 */
#ifndef _KS_FREEBSD_SYS_MMAN_H
#define _KS_FREEBSD_SYS_MMAN_H

#define PROT_NONE	0x00
#define PROT_READ	0x01
#define PROT_WRITE	0x02
#define PROT_EXEC	0x04

#define MAP_SHARED	0x0001
#define MAP_PRIVATE	0x0002

#endif
