/*
 * illumos <sys/policy.h>: the privilege checks drivers make on the caller's
 * credential. The kernel model has no privilege sets: a credential holds
 * every privilege when it is root's (uid 0) or the kernel's, none
 * otherwise, as drv_priv decides. Each returns 0 or EPERM.
 */
#ifndef _KS_ILLUMOS_SYS_POLICY_H
#define _KS_ILLUMOS_SYS_POLICY_H

#include <sys/types.h>
#include <sys/cred.h>
#include <sys/priv_names.h>

#ifdef __cplusplus
extern "C" {
#endif
int secpolicy_sys_config(const cred_t *, boolean_t);
int secpolicy_net_config(const cred_t *, boolean_t);
int secpolicy_dl_config(const cred_t *);
int secpolicy_net_rawaccess(const cred_t *);
int secpolicy_resource(const cred_t *);
int secpolicy_console(const cred_t *);
int secpolicy_ponline(const cred_t *);
int secpolicy_sys_devices(const cred_t *);
int secpolicy_blacklist(const cred_t *);
int secpolicy_excl_open(const cred_t *);
#ifdef __cplusplus
}
#endif

#endif
