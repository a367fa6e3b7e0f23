/* illumos <sys/inttypes.h>: the fixed-width integers and their limits. */
#ifndef _KS_ILLUMOS_SYS_INTTYPES_H
#define _KS_ILLUMOS_SYS_INTTYPES_H

#include <stdint.h>
#include <inttypes.h>

#endif
