/*
 * FreeBSD <sys/pcpu.h>: the per-CPU data. One simulated CPU (<sys/smp.h>):
 * PCPU_GET(cpuid) is 0 and PCPU_GET(curthread) is curthread.
 */
#ifndef _KS_FREEBSD_SYS_PCPU_H
#define _KS_FREEBSD_SYS_PCPU_H

#include <sys/systm.h>
#include <sys/smp.h>

#define ks_fb_pcpu_cpuid	0
#define ks_fb_pcpu_curthread	curthread
#define PCPU_GET(member)	ks_fb_pcpu_##member

#endif
