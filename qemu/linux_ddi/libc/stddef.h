/* See README. */
#include <sys/types.h>
