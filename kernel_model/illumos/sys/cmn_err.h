/* illumos <sys/cmn_err.h>: CE_PANIC is a panic report. */
#ifndef _KS_ILLUMOS_SYS_CMN_ERR_H
#define _KS_ILLUMOS_SYS_CMN_ERR_H

#include <kernsim/abi.h>

#define CE_CONT 0
#define CE_NOTE 1
#define CE_WARN 2
#define CE_PANIC 3
#define CE_IGNORE 4

#ifdef __cplusplus
extern "C" {
#endif
extern void cmn_err(int, const char *, ...) __attribute__((format(printf, 2, 3)));
extern void panic(const char *, ...) __attribute__((noreturn, format(printf, 1, 2)));
#ifdef __cplusplus
}
#endif

#endif
