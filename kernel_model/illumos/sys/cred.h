/*
 * illumos <sys/cred.h>: credentials are opaque; a driver asks for their
 * parts. A cred_t is the kernel model's credential (struct ks_cred).
 */
#ifndef _KS_ILLUMOS_SYS_CRED_H
#define _KS_ILLUMOS_SYS_CRED_H

#include <sys/types.h>
#include <kernsim/abi.h>

typedef struct cred cred_t;

#ifdef __cplusplus
extern "C" {
#endif
/* the kernel's own credential (root) */
extern cred_t *kcred;
extern uid_t crgetuid(const cred_t *);
extern uid_t crgetruid(const cred_t *);
extern uid_t crgetsuid(const cred_t *);
extern gid_t crgetgid(const cred_t *);
extern gid_t crgetrgid(const cred_t *);
extern gid_t crgetsgid(const cred_t *);
extern zoneid_t crgetzoneid(const cred_t *);
/* The supplementary groups: none in the kernel model's credentials, so 0
 * and, as illumos gives a credential without a group list, a pointer that
 * is not NULL but must not be read (cred.c points it at the gid). */
extern int crgetngroups(const cred_t *);
extern const gid_t *crgetgroups(const cred_t *);
/* 0 when privileged, else EPERM (illumos <sys/ddi.h> declares it too) */
extern int drv_priv(cred_t *);
/* a hold on a credential: a process's lives as long as the execution here */
extern void crhold(cred_t *);
extern void crfree(cred_t *);
/* the calling thread's credential */
extern cred_t *ks_il_cred(void);
#ifdef __cplusplus
}
#endif

#define CRED() ks_il_cred()
#define GLOBAL_ZONEID 0

#endif
