/*
 * illumos <sys/cpuvar.h>: the CPUs. The model's threads take turns on one
 * simulated CPU, so there is one: ncpus and max_ncpus are 1, and CPU (the
 * current one) is CPU 0.
 */
#ifndef _KS_ILLUMOS_SYS_CPUVAR_H
#define _KS_ILLUMOS_SYS_CPUVAR_H

#include <sys/types.h>

typedef struct cpu {
	processorid_t	cpu_id;
	processorid_t	cpu_seqid;
} cpu_t;

static const cpu_t ks_il_cpu0 __attribute__((unused)) = { 0, 0 };

#define CPU		(&ks_il_cpu0)
#define ncpus		1
#define max_ncpus	1
#define boot_max_ncpus	1
#define ncpus_online	1
#define NCPU		1

#endif
