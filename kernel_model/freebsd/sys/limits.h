/* FreeBSD <sys/limits.h>: the C standard's <limits.h>, whose names and values it gives. */
#include <limits.h>
