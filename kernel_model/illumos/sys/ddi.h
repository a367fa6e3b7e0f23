/*
 * illumos <sys/ddi.h>: DDI/DKI services. Sections by subject; add yours as
 * a new section.
 */
#ifndef _KS_ILLUMOS_SYS_DDI_H
#define _KS_ILLUMOS_SYS_DDI_H

#include <sys/types.h>
#include <sys/time_illumos.h>
#include <kernsim/abi.h>

/* ---- callouts and delay: clock ticks (hz = 100) of virtual time ---- */

#ifndef _KS_ILLUMOS_TIMEOUT_ID_T
#define _KS_ILLUMOS_TIMEOUT_ID_T
typedef void *timeout_id_t;
#endif

#ifdef __cplusplus
extern "C" {
#endif

extern timeout_id_t timeout(void (*)(void *), void *, clock_t);
/* -1 when the callout had already run (or was unknown), else ticks left */
extern clock_t untimeout(timeout_id_t);
extern void delay(clock_t);

extern timeout_id_t ks_il_timeout(void (*)(void *), void *, clock_t, const char *);

#ifdef __cplusplus
}
#endif

/* The callout's thread is named after the function, as the driver spells it. */
#define timeout(fn, arg, ticks) ks_il_timeout((fn), (arg), (ticks), #fn)

/* ---- end callouts and delay ---- */

#endif
