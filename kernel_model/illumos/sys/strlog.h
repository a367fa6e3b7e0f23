/*
 * illumos <sys/strlog.h>: strlog(9F) and its flags (illumos's values).
 * kernsim has no log driver reader: a message flagged SL_CONSOLE goes to
 * the console log, the others are dropped as illumos drops them when no
 * strerr/strace reads /dev/log; strlog answers 1 either way, as illumos's.
 */
#ifndef _KS_ILLUMOS_SYS_STRLOG_H
#define _KS_ILLUMOS_SYS_STRLOG_H

#include <sys/types.h>

#define SL_FATAL 0x01
#define SL_NOTIFY 0x02
#define SL_ERROR 0x04
#define SL_TRACE 0x08
#define SL_CONSOLE 0x10
#define SL_WARN 0x20
#define SL_NOTE 0x40

#ifdef __cplusplus
extern "C" {
#endif
extern int strlog(short, short, char, unsigned short, char *, ...);
#ifdef __cplusplus
}
#endif

#endif
