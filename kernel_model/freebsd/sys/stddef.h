/* FreeBSD <sys/stddef.h>: the C standard's <stddef.h>, whose names and values it gives. */
#include <stddef.h>
