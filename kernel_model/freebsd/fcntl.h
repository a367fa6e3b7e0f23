/* FreeBSD <fcntl.h> is <sys/fcntl.h>: the same flags by either name. */
#include <sys/fcntl.h>
