/* FreeBSD <sys/param.h>: the host's (MIN, MAX, howmany, roundup, NBBY), plus nitems and PAGE_SIZE. */
#ifndef _KS_FREEBSD_SYS_PARAM_H
#define _KS_FREEBSD_SYS_PARAM_H

#include <sys/types.h>
#include_next <sys/param.h>

#ifndef nitems
#define nitems(x) (sizeof((x)) / sizeof((x)[0]))
#endif
#ifndef PAGE_SIZE
#define PAGE_SIZE 4096
#endif
#ifndef MAXPATHLEN
#define MAXPATHLEN 1024
#endif

#endif
