/* FreeBSD <sys/param.h>: the host's (MIN, MAX, howmany, roundup, NBBY), plus nitems,
 * PAGE_SIZE, MAXCOMLEN, the errno values and sleep(9)'s priorities and flags. */
#ifndef _KS_FREEBSD_SYS_PARAM_H
#define _KS_FREEBSD_SYS_PARAM_H

#include <sys/types.h>
#include_next <sys/param.h>
#include <sys/errno.h>	/* as FreeBSD's kernel param.h includes it */
#include <sys/time.h>	/* so does it sys/time.h: sbinuptime, SBT_1MS */
#include <sys/priority.h>

/* sleep(9)'s priority argument: the priority, and flags above it */
#define PRIMASK	0x0ff
#define PCATCH	0x100	/* a signal ends the sleep */
#define PDROP	0x200	/* msleep returns with the mtx released */

#ifndef nitems
#define nitems(x) (sizeof((x)) / sizeof((x)[0]))
#endif
#ifndef PAGE_SIZE
#define PAGE_SIZE 4096
#endif
#ifndef MAXPATHLEN
#define MAXPATHLEN 1024
#endif
#ifndef MAXCOMLEN
#define MAXCOMLEN 19	/* a command's or thread's name, without its NUL */
#endif

#endif
