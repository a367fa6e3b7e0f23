/*
 * illumos <sys/cmn_err.h>: console messages. CE_PANIC is a panic report;
 * the others go to the World's console (a zone's or a device's message
 * is the plain one here: one zone, no message prefixes).
 */
#ifndef _KS_ILLUMOS_SYS_CMN_ERR_H
#define _KS_ILLUMOS_SYS_CMN_ERR_H

#include <stdarg.h>
#include <sys/types.h>
#include <kernsim/abi.h>

#define CE_CONT 0
#define CE_NOTE 1
#define CE_WARN 2
#define CE_PANIC 3
#define CE_IGNORE 4

struct dev_info;

#ifdef __cplusplus
extern "C" {
#endif
extern void cmn_err(int, const char *, ...) __attribute__((format(printf, 2, 3)));
extern void vcmn_err(int, const char *, va_list) __attribute__((format(printf, 2, 0)));
extern void zcmn_err(zoneid_t, int, const char *, ...) __attribute__((format(printf, 3, 4)));
extern void vzcmn_err(zoneid_t, int, const char *, va_list)
    __attribute__((format(printf, 3, 0)));
/* cmn_err naming the device: "<driver><instance>: message" */
extern void dev_err(struct dev_info *, int, const char *, ...)
    __attribute__((format(printf, 3, 4)));
extern void panic(const char *, ...) __attribute__((noreturn, format(printf, 1, 2)));
extern void vpanic(const char *, va_list) __attribute__((noreturn, format(printf, 1, 0)));
#ifdef __cplusplus
}
#endif

#endif
