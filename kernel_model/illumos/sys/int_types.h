/* illumos <sys/int_types.h>: the fixed-width integer types. */
#ifndef _KS_ILLUMOS_SYS_INT_TYPES_H
#define _KS_ILLUMOS_SYS_INT_TYPES_H

#include <stdint.h>

#endif
