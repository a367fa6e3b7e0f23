/*
 * The host's <unistd.h>, and QNX's delay(): sleep `msec` milliseconds of
 * virtual time (the kernel model's delay; illumos has a delay() of its own,
 * so this one is a macro); sleep() and usleep() sleep virtual time too (the
 * host's would stall the host thread and every fiber on it).
 */
#ifndef _KS_QNX_UNISTD_H
#define _KS_QNX_UNISTD_H

#include_next <unistd.h>

unsigned int ks_qnx_delay(unsigned int msec);
#define delay(_ms) ks_qnx_delay(_ms)
unsigned int ks_qnx_sleep(unsigned int sec);
int ks_qnx_usleep(useconds_t usec);
#define sleep(_s) ks_qnx_sleep(_s)
#define usleep(_us) ks_qnx_usleep(_us)

#endif
