/*
 * illumos <sys/ksynch.h>: the kernel synchronisation objects. Each is one
 * word that names an object in the kernel model. As on illumos, including
 * it brings their interfaces too (through <sys/t_lock.h>: mutex_*, cv_*,
 * rw_*, sema_*), so a driver that includes only this header calls the real
 * macros, which name each object as the driver spells it.
 */
#ifndef _KS_ILLUMOS_SYS_KSYNCH_H
#define _KS_ILLUMOS_SYS_KSYNCH_H

#include <sys/types.h>
#include <kernsim/abi.h>

typedef struct kmutex { ks_handle_t _opaque; } kmutex_t;
typedef struct kcondvar { ks_handle_t _opaque; } kcondvar_t;
typedef struct krwlock { ks_handle_t _opaque; } krwlock_t;
typedef struct ksema { ks_handle_t _opaque; } ksema_t;

typedef enum {
	MUTEX_ADAPTIVE = 0,
	MUTEX_SPIN = 1,
	MUTEX_DRIVER = 4,
	MUTEX_DEFAULT = 6
} kmutex_type_t;

typedef enum { CV_DEFAULT, CV_DRIVER } kcv_type_t;
typedef enum { RW_DRIVER = 2, RW_DEFAULT = 4 } krw_type_t;
typedef enum { RW_WRITER, RW_READER, RW_READER_STARVEWRITER } krw_t;
typedef enum { SEMA_DEFAULT, SEMA_DRIVER } ksema_type_t;

/* after the types: the headers it includes use them */
#include <sys/t_lock.h>

#endif
