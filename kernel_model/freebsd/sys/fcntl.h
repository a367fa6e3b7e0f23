/*
 * FreeBSD <sys/fcntl.h>: the open and file flags with FreeBSD's values, as
 * a driver sees them in d_open's oflags and d_close's fflag (cdev.cc
 * translates the kernel model's file flags into these). FreeBSD's
 * O_NONBLOCK equals IO_NDELAY (sys/conf.h), so a driver may test d_read's
 * ioflag with either; the host's <fcntl.h> has other values (Linux's
 * O_NONBLOCK is 04000), which is why the personality has its own.
 */
#ifndef _KS_FREEBSD_SYS_FCNTL_H
#define _KS_FREEBSD_SYS_FCNTL_H

#define O_RDONLY	0x0000
#define O_WRONLY	0x0001
#define O_RDWR		0x0002
#define O_ACCMODE	0x0003

#define FREAD		0x0001
#define FWRITE		0x0002

#define O_NONBLOCK	0x0004
#define O_APPEND	0x0008
#define O_SHLOCK	0x0010
#define O_EXLOCK	0x0020
#define O_ASYNC		0x0040
#define O_FSYNC		0x0080
#define O_SYNC		0x0080
#define O_NOFOLLOW	0x0100
#define O_CREAT		0x0200
#define O_TRUNC		0x0400
#define O_EXCL		0x0800
#define O_NOCTTY	0x8000
#define O_DIRECT	0x00010000
#define O_DIRECTORY	0x00020000
#define O_EXEC		0x00040000
#define O_CLOEXEC	0x00100000
#define O_DSYNC		0x01000000

/* the kernel's names for the file's f_flag bits */
#define FAPPEND		O_APPEND
#define FASYNC		O_ASYNC
#define FFSYNC		O_FSYNC
#define FDSYNC		O_DSYNC
#define FNONBLOCK	O_NONBLOCK
#define FNDELAY		O_NONBLOCK
#define O_NDELAY	O_NONBLOCK
#define FEXEC		O_EXEC

/* open(2) flags to f_flag and back: the access mode plus one */
#define FFLAGS(oflags)	((oflags) & O_EXEC ? (oflags) : (oflags) + 1)
#define OFLAGS(fflags)	((fflags) & O_EXEC ? (fflags) : (fflags) - 1)

#define F_GETFL		3
#define F_SETFL		4

#endif
