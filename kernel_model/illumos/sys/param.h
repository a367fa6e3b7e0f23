/*
 * illumos <sys/param.h>: the host's, plus the kernel's block and path sizes
 * (DEV_BSIZE: the disk block every block driver counts in).
 */
#ifndef _KS_ILLUMOS_SYS_PARAM_H
#define _KS_ILLUMOS_SYS_PARAM_H

#include_next <sys/param.h>
#include <sys/types.h>

#undef MAXPATHLEN
#define MAXPATHLEN 1024
#ifndef DEV_BSIZE
#define DEV_BSIZE 512
#endif
#ifndef DEV_BSHIFT
#define DEV_BSHIFT 9
#endif
/* the machine's page (illumos's MMU_PAGESIZE on x86) */
#ifndef PAGESIZE
#define PAGESIZE 4096
#endif
#define PAGESHIFT 12
#define PAGEOFFSET (PAGESIZE - 1)
#define PAGEMASK (~PAGEOFFSET)
#define lbtodb(bytes) ((u_offset_t)(bytes) >> DEV_BSHIFT)
#define ldbtob(db) ((u_offset_t)(db) << DEV_BSHIFT)

#endif
