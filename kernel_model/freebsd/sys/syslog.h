/* FreeBSD <sys/syslog.h>: the priorities log(9) takes. */
#ifndef _KS_FREEBSD_SYS_SYSLOG_H
#define _KS_FREEBSD_SYS_SYSLOG_H

#define LOG_EMERG 0
#define LOG_ALERT 1
#define LOG_CRIT 2
#define LOG_ERR 3
#define LOG_WARNING 4
#define LOG_NOTICE 5
#define LOG_INFO 6
#define LOG_DEBUG 7

#endif
