/* FreeBSD <sys/stdint.h>: the C standard's <stdint.h>, whose names and values it gives. */
#include <stdint.h>
