/*
 * FreeBSD <sys/poll.h>: struct pollfd and the event bits, with FreeBSD's
 * values (POLLINIGNEOF and POLLRDHUP are FreeBSD's own). A driver's d_poll
 * returns the subset of `events` that is ready, and if none is, records
 * the thread with selrecord(9) (sys/selinfo.h) before it returns, under
 * the lock its producer changes the state under: a selwakeup between the
 * test and the selrecord finds nobody and is lost, as on FreeBSD.
 */
#ifndef _KS_FREEBSD_SYS_POLL_H
#define _KS_FREEBSD_SYS_POLL_H

typedef unsigned int nfds_t;

struct pollfd {
	int fd;
	short events;
	short revents;
};

#define POLLIN		0x0001
#define POLLPRI		0x0002
#define POLLOUT		0x0004
#define POLLRDNORM	0x0040
#define POLLWRNORM	POLLOUT
#define POLLRDBAND	0x0080
#define POLLWRBAND	0x0100
#define POLLINIGNEOF	0x2000
#define POLLRDHUP	0x4000

#define POLLERR		0x0008
#define POLLHUP		0x0010
#define POLLNVAL	0x0020

#define POLLSTANDARD	(POLLIN|POLLPRI|POLLOUT|POLLRDNORM|POLLRDBAND|\
			 POLLWRBAND|POLLERR|POLLHUP|POLLNVAL)

#define INFTIM		(-1)

#endif
