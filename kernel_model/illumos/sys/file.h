/*
 * illumos <sys/file.h>: the file flags a driver's open, close, read, write
 * and ioctl entry points are given (the kernel's F* names, not open(2)'s O_*).
 * Not glibc's <sys/file.h> (flock): that one's <fcntl.h> defines some of
 * these names with Linux values, so illumos's values replace them here.
 */
#ifndef _KS_ILLUMOS_SYS_FILE_H
#define _KS_ILLUMOS_SYS_FILE_H

#include <sys/types.h>
#include <sys/model.h>

#undef FREAD
#undef FWRITE
#undef FNDELAY
#undef FAPPEND
#undef FSYNC
#undef FDSYNC
#undef FNONBLOCK
#undef FASYNC
#undef FCREAT
#undef FTRUNC
#undef FEXCL
#undef FNOCTTY
#undef FOFFMAX
#undef FRSYNC

#define FOPEN 0xffffffff
#define FREAD 0x01
#define FWRITE 0x02
#define FNDELAY 0x04
#define FAPPEND 0x08
#define FSYNC 0x10
#define FREVOKED 0x20
#define FDSYNC 0x40
#define FNONBLOCK 0x80
#define FMASK 0xa0ffff

#define FCREAT 0x0100
#define FTRUNC 0x0200
#define FEXCL 0x0400
#define FNOCTTY 0x0800
#define FASYNC 0x1000
#define FOFFMAX 0x2000
#define FXATTR 0x4000
#define FRSYNC 0x8000
#define FNODSYNC 0x10000
#define FNOFOLLOW 0x20000
#define FNOLINKS 0x40000
#define FIGNORECASE 0x80000
#define FXATTRDIROPEN 0x100000
#define FCLOEXEC 0x800000

/* the caller's data model, in an ioctl's mode (ddi_model_convert_from) */
#define FMODELS DATAMODEL_MASK
#define FILP32 DATAMODEL_ILP32
#define FLP64 DATAMODEL_LP64
#define FNATIVE DATAMODEL_NATIVE

/* a layered ioctl from the kernel: the "user" argument is kernel memory */
#define FKIOCTL 0x80000000
/* an open or close from another driver (ldi_open_by_*, ldi_close) */
#define FKLYR 0x40000000

#endif
