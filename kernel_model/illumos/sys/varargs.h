/* illumos <sys/varargs.h>: variable argument lists (vcmn_err's va_list). */
#ifndef _KS_ILLUMOS_SYS_VARARGS_H
#define _KS_ILLUMOS_SYS_VARARGS_H

#include <stdarg.h>

#endif
