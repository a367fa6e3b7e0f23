/*
 * illumos <sys/zone.h>: zones. A run has only the global zone: every
 * credential's zone is GLOBAL_ZONEID (<sys/cred.h>), and so is the
 * caller's.
 */
#ifndef _KS_ILLUMOS_SYS_ZONE_H
#define _KS_ILLUMOS_SYS_ZONE_H

#include <sys/types.h>
#include <sys/cred.h>

#define ALL_ZONES	(-1)
#define getzoneid()	((zoneid_t)GLOBAL_ZONEID)
#define INGLOBALZONE(p)	((void) (p), 1)

#endif
