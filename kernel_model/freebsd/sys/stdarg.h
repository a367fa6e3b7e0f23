/* FreeBSD <sys/stdarg.h>: variable argument lists, the compiler's. */
#ifndef _KS_FREEBSD_SYS_STDARG_H
#define _KS_FREEBSD_SYS_STDARG_H

#include <stdarg.h>

#endif
