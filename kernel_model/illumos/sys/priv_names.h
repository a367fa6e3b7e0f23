/*
 * illumos <sys/priv_names.h>: privilege names as strings, for the device
 * policy of ddi_create_priv_minor_node(9F) and the secpolicy checks. The
 * kernel model has no privilege sets (sys/policy.h): the basic privileges
 * (file_link_any, file_read, file_write, net_access, proc_exec, proc_fork,
 * proc_info, proc_session) are every process's, the others root's alone.
 */
#ifndef _KS_ILLUMOS_SYS_PRIV_NAMES_H
#define _KS_ILLUMOS_SYS_PRIV_NAMES_H

#define PRIV_FILE_DAC_READ "file_dac_read"
#define PRIV_FILE_DAC_WRITE "file_dac_write"
#define PRIV_FILE_LINK_ANY "file_link_any"
#define PRIV_FILE_READ "file_read"
#define PRIV_FILE_WRITE "file_write"
#define PRIV_NET_ACCESS "net_access"
#define PRIV_NET_ICMPACCESS "net_icmpaccess"
#define PRIV_NET_RAWACCESS "net_rawaccess"
#define PRIV_PROC_EXEC "proc_exec"
#define PRIV_PROC_FORK "proc_fork"
#define PRIV_PROC_INFO "proc_info"
#define PRIV_PROC_SESSION "proc_session"
#define PRIV_SYS_ADMIN "sys_admin"
#define PRIV_SYS_CONFIG "sys_config"
#define PRIV_SYS_DEVICES "sys_devices"
#define PRIV_SYS_DL_CONFIG "sys_dl_config"
#define PRIV_SYS_IP_CONFIG "sys_ip_config"
#define PRIV_SYS_NET_CONFIG "sys_net_config"
#define PRIV_SYS_RES_CONFIG "sys_res_config"

#endif
