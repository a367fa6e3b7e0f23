/*
 * illumos <sys/poll.h>: struct pollfd, the event bits with illumos's
 * values, and the kernel's struct pollhead (pollhead_t), which a driver
 * keeps in its state and hands back from chpoll(9E).
 *
 * chpoll(dev, events, anyyet, reventsp, phpp): *reventsp the ready subset
 * of events; when none is ready and anyyet is 0, *phpp must be the
 * driver's pollhead (poll(2) always passes anyyet 0: its cache wants every
 * pollhead), else the poller is never woken. The kernel puts the poller on
 * that pollhead after chpoll returns and keeps it there (cached) until the
 * descriptor is closed or the thread exits; pollwakeup(php, events) wakes
 * the pollers that asked for one of events (any, with POLLHUP or POLLERR).
 * pollhead_clean(php) must come before the memory holding a pollhead is
 * freed: freeing it with a poller still on it is reported as the use
 * after free it is on illumos. nochpoll's ENXIO fails poll(2) itself. The
 * model: kernel_model/poll.h.
 */
#ifndef _KS_ILLUMOS_SYS_POLL_H
#define _KS_ILLUMOS_SYS_POLL_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pollfd {
	int fd;
	short events;
	short revents;
} pollfd_t;

typedef unsigned long nfds_t;

#define POLLIN		0x0001
#define POLLPRI		0x0002
#define POLLOUT		0x0004
#define POLLRDNORM	0x0040
#define POLLWRNORM	POLLOUT
#define POLLRDBAND	0x0080
#define POLLWRBAND	0x0100
#define POLLRDHUP	0x4000
#define POLLNORM	POLLRDNORM

/* returned in revents only */
#define POLLERR		0x0008
#define POLLHUP		0x0010
#define POLLNVAL	0x0020

/* /dev/poll's (not modelled) */
#define POLLREMOVE	0x0800
#define POLLONESHOT	0x1000
#define POLLET		0x2000

/* The kernel's pollhead: the model keys its pollers by its address; the
 * fields keep the DDI's size. Zeroed memory is an empty pollhead. */
typedef struct pollhead {
	struct polldat *ph_list;
	void *ph_pad1;
	short ph_pad2;
} pollhead_t;

extern void pollwakeup(pollhead_t *, short);
extern void pollhead_clean(pollhead_t *);

#ifdef __cplusplus
}
#endif

#endif
