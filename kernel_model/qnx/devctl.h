/*
 * devctl(2) commands: a dcmd carries its direction in the top two bits
 * (to the device, from it, both, neither), the size of its data in the 14
 * bits above the low 16, and class << 8 | command below.
 */
#ifndef _KS_QNX_DEVCTL_H
#define _KS_QNX_DEVCTL_H

#include <stddef.h>

#define _POSIX_DEVDIR_NONE 0
#define _POSIX_DEVDIR_TO 0x80000000u
#define _POSIX_DEVDIR_FROM 0x40000000u
#define _POSIX_DEVDIR_TOFROM (_POSIX_DEVDIR_TO | _POSIX_DEVDIR_FROM)
#define DEVDIR_NONE _POSIX_DEVDIR_NONE
#define DEVDIR_TO _POSIX_DEVDIR_TO
#define DEVDIR_FROM _POSIX_DEVDIR_FROM
#define DEVDIR_TOFROM _POSIX_DEVDIR_TOFROM

#define __DEVCTL_SIZE(_n) (((unsigned)(_n) & 0x3fffu) << 16)
#define __DION(_class, _cmd) ((int)(((_class) << 8) + (_cmd) + _POSIX_DEVDIR_NONE))
#define __DIOF(_class, _cmd, _data) \
	((int)(__DEVCTL_SIZE(sizeof(_data)) + ((_class) << 8) + (_cmd) + _POSIX_DEVDIR_FROM))
#define __DIOT(_class, _cmd, _data) \
	((int)(__DEVCTL_SIZE(sizeof(_data)) + ((_class) << 8) + (_cmd) + _POSIX_DEVDIR_TO))
#define __DIOTF(_class, _cmd, _data) \
	((int)(__DEVCTL_SIZE(sizeof(_data)) + ((_class) << 8) + (_cmd) + _POSIX_DEVDIR_TOFROM))

#define get_device_direction(_dcmd) ((unsigned)(_dcmd) & _POSIX_DEVDIR_TOFROM)
#define get_device_command(_dcmd) ((unsigned)(_dcmd) & 0xffffu)

/* The data area that follows a message header */
#define _DEVCTL_DATA(_msg) ((void *)(sizeof(_msg) + (char *)(&(_msg))))

#define _DCMD_ALL 0x01
#define _DCMD_MISC 0x05
#define DCMD_ALL_GETFLAGS __DIOF(_DCMD_ALL, 1, int)
#define DCMD_ALL_SETFLAGS __DIOT(_DCMD_ALL, 2, int)
#define DCMD_ALL_GETOWN __DIOF(_DCMD_ALL, 3, int)

#endif
