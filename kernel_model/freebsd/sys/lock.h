/* FreeBSD <sys/lock.h>: the lock classes live in the kernel model (witness included). */
#ifndef _KS_FREEBSD_SYS_LOCK_H
#define _KS_FREEBSD_SYS_LOCK_H

#include <sys/types.h>
#include <kernsim/abi.h>

struct lock_object;

#endif
