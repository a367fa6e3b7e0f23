/*
 * illumos <sys/t_lock.h>: gathers the interfaces of the kernel
 * synchronisation objects (illumos's <sys/ksynch.h> is this include and
 * nothing else). The types themselves are in <sys/ksynch.h> here.
 */
#ifndef _KS_ILLUMOS_SYS_T_LOCK_H
#define _KS_ILLUMOS_SYS_T_LOCK_H

#include <sys/param.h>
#include <sys/mutex.h>
#include <sys/rwlock.h>
#include <sys/semaphore.h>
#include <sys/condvar.h>

#endif
