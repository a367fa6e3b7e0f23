/* See README. */
#include <sys/errno.h>
