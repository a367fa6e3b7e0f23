/*
 * illumos <sys/ddi.h>: DDI/DKI services. As on illumos it brings
 * <sys/types.h>, <sys/buf.h> (and with it <sys/ksynch.h>) and <sys/uio.h>;
 * declares the drv_* services, delay, the device-number functions, the
 * page conversions and the min/max macros. Sections by subject; add yours
 * as a new section.
 */
#ifndef _KS_ILLUMOS_SYS_DDI_H
#define _KS_ILLUMOS_SYS_DDI_H

#include <sys/types.h>
#include <sys/buf.h>
#include <sys/uio.h>
#include <sys/cred.h>
#include <sys/mkdev.h>
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
/*
 * A busy wait: a scheduling point that does not sleep (legal in interrupt
 * context) and does not move virtual time, which only sleeps advance.
 */
extern void drv_usecwait(clock_t);

extern timeout_id_t ks_il_timeout(void (*)(void *), void *, clock_t, const char *);

#ifdef __cplusplus
}
#endif

/* The callout's thread is named after the function, as the driver spells it. */
#define timeout(fn, arg, ticks) ks_il_timeout((fn), (arg), (ticks), #fn)

/* ---- end callouts and delay ---- */

/* ---- drv_getparm(9F) parameters ---- */

#define TIME 1		/* time_t: seconds of the (virtual) date */
#define UPROCP 2
#define PPGRP 3
#define LBOLT 4		/* clock_t: ticks since boot */
#define SYSRINT 5
#define SYSXINT 6
#define SYSMINT 7
#define SYSRAWC 8
#define SYSCANC 9
#define SYSOUTC 10
#define PPID 11		/* pid_t: the calling process */
#define PSID 12
#define UCRED 13	/* cred_t *: the caller's credential */

#ifdef __cplusplus
extern "C" {
#endif
/* 0, or -1 for a parameter that is not modelled (UPROCP, SYSRINT, ...) */
extern int drv_getparm(uint_t, void *);

/* device numbers: the external form is the internal one (64-bit dev_t) */
extern major_t getemajor(dev_t);
extern minor_t geteminor(dev_t);

/* bytes and pages (PAGESIZE 4096): btopr rounds up */
extern unsigned long btop(unsigned long);
extern unsigned long btopr(unsigned long);
extern unsigned long ptob(unsigned long);
#ifdef __cplusplus
}
#endif

/* illumos defines these as macros so that drivers get no signed-only functions */
#ifndef __cplusplus
#undef min
#undef max
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) < (b) ? (b) : (a))
#endif

#endif
