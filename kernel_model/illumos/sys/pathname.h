/* illumos <sys/pathname.h>: lookupname lives with the vnodes here. */
#ifndef _KS_ILLUMOS_SYS_PATHNAME_H
#define _KS_ILLUMOS_SYS_PATHNAME_H
#include <sys/vnode.h>
#endif
