/*
 * FreeBSD <sys/smp.h>: the CPUs. The model's threads take turns on one
 * simulated CPU, so there is one: mp_ncpus 1, CPU 0 is curcpu, and
 * CPU_FOREACH visits it alone.
 */
#ifndef _KS_FREEBSD_SYS_SMP_H
#define _KS_FREEBSD_SYS_SMP_H

#define mp_ncpus	1
#define mp_maxid	0
#define MAXCPU		1
#define curcpu		0
#define CPU_ABSENT(i)	((i) != 0)
#define CPU_FIRST()	0
#define CPU_NEXT(i)	((i) + 1)
#define CPU_FOREACH(i) for ((i) = 0; (i) <= mp_maxid; (i)++)

#endif
