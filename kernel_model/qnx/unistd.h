/*
 * The host's <unistd.h>, and QNX's delay(): sleep `msec` milliseconds of
 * virtual time (the kernel model's delay; illumos has a delay() of its own,
 * so this one is a macro).
 */
#ifndef _KS_QNX_UNISTD_H
#define _KS_QNX_UNISTD_H

#include_next <unistd.h>

unsigned int ks_qnx_delay(unsigned int msec);
#define delay(_ms) ks_qnx_delay(_ms)

#endif
