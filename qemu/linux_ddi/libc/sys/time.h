/* See ../README: struct timeval and struct timespec as glibc x86_64 has
 * them, for the personality's <sys/time.h> (its #include_next). */
#ifndef KS_LX_LIBC_SYS_TIME_H
#define KS_LX_LIBC_SYS_TIME_H
#include <sys/types.h>
struct timeval {
	time_t tv_sec;
	suseconds_t tv_usec;
};
struct timespec {
	time_t tv_sec;
	long tv_nsec;
};
#endif
