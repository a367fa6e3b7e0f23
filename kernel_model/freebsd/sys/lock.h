/* FreeBSD <sys/lock.h>: the lock classes live in the kernel model (witness included). */
#ifndef _KS_FREEBSD_SYS_LOCK_H
#define _KS_FREEBSD_SYS_LOCK_H

#include <sys/types.h>
#include <kernsim/abi.h>

struct lock_object;

/* what a lock assertion asks (a knlist's kl_assert_lock, sys/event.h) */
#define LA_UNLOCKED	0x00000000
#define LA_LOCKED	0x00000001
#define LA_SLOCKED	0x00000002
#define LA_XLOCKED	0x00000004
#define LA_RECURSED	0x00000008
#define LA_NOTRECURSED	0x00000010

#endif
