/* illumos <sys/open.h>: the open types a driver's open and close are told. */
#ifndef _KS_ILLUMOS_SYS_OPEN_H
#define _KS_ILLUMOS_SYS_OPEN_H

#define OTYP_BLK 0
#define OTYP_MNT 1
#define OTYP_CHR 2
#define OTYP_SWP 3
#define OTYP_LYR 4
#define OTYPCNT 5

#endif
