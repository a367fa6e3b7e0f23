/* FreeBSD <sys/dnv.h>: nvlist lookups with a default. */
#ifndef _KS_FREEBSD_SYS_DNV_H
#define _KS_FREEBSD_SYS_DNV_H

#include <sys/nv.h>

#ifdef __cplusplus
extern "C" {
#endif
const char *dnvlist_get_string(const nvlist_t *nvl, const char *name, const char *defval);
uint64_t dnvlist_get_number(const nvlist_t *nvl, const char *name, uint64_t defval);
#ifdef __cplusplus
}
#endif

#endif
