/*
 * The host's <sys/stat.h>, and QNX's named-special-file type S_IFNAM, which
 * the resource-manager guides give iofunc_attr_init for a device with no
 * other type (its value from memory of QNX's header; only the mode the
 * resource manager keeps sees it).
 */
#ifndef _KS_QNX_SYS_STAT_H
#define _KS_QNX_SYS_STAT_H

#include_next <sys/stat.h>

#ifndef S_IFNAM
#define S_IFNAM 0x5000
#endif
#ifndef S_ISNAM
#define S_ISNAM(_m) (((_m) & S_IFMT) == S_IFNAM)
#endif

#endif
