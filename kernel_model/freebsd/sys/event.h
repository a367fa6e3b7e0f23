/*
 * FreeBSD <sys/event.h>: what a driver supporting kqueue(2) uses: struct
 * knote and filterops for its d_kqfilter, and the knlist it keeps its
 * knotes on (usually a selinfo's si_note), with FreeBSD's rules:
 * knlist_init_mtx names the lock that guards the list (NULL: one global
 * lock); KNOTE_LOCKED must be called with it held, as FreeBSD's INVARIANTS
 * kernel asserts (a lock-misuse report here), KNOTE_UNLOCKED takes it;
 * knlist_add/remove take it unless told it is held; knlist_destroy of a
 * list with knotes on it is a panic.
 *
 * kqueue(2) and kevent(2) are system calls of the kernel model
 * (kernel_model/freebsd/kern_event.cc): EV_ADD on a device descriptor
 * calls its d_kqfilter, and KNOTE activates the knotes whose f_event
 * answers non-zero on their kqueue, waking a thread asleep in kevent.
 */
#ifndef _KS_FREEBSD_SYS_EVENT_H
#define _KS_FREEBSD_SYS_EVENT_H

#include <sys/types.h>
#include <sys/queue.h>

#define EVFILT_READ		(-1)
#define EVFILT_WRITE		(-2)
#define EVFILT_AIO		(-3)
#define EVFILT_VNODE		(-4)
#define EVFILT_PROC		(-5)
#define EVFILT_SIGNAL		(-6)
#define EVFILT_TIMER		(-7)
#define EVFILT_PROCDESC		(-8)
#define EVFILT_FS		(-9)
#define EVFILT_LIO		(-10)
#define EVFILT_USER		(-11)
#define EVFILT_SENDFILE		(-12)
#define EVFILT_EMPTY		(-13)
#define EVFILT_SYSCOUNT		13

#define EV_ADD		0x0001
#define EV_DELETE	0x0002
#define EV_ENABLE	0x0004
#define EV_DISABLE	0x0008
#define EV_ONESHOT	0x0010
#define EV_CLEAR	0x0020
#define EV_RECEIPT	0x0040
#define EV_DISPATCH	0x0080
#define EV_SYSFLAGS	0xF000	/* reserved by the system */
#define EV_DROP		0x1000
#define EV_EOF		0x8000
#define EV_ERROR	0x4000

#define NOTE_LOWAT	0x0001

struct kevent {
	uintptr_t	ident;
	short		filter;
	unsigned short	flags;
	unsigned int	fflags;
	int64_t		data;
	void		*udata;
	uint64_t	ext[4];
};

struct knote;
struct kqueue;
SLIST_HEAD(klist, knote);

struct filterops {
	int	f_isfd;
	int	(*f_attach)(struct knote *kn);
	void	(*f_detach)(struct knote *kn);
	int	(*f_event)(struct knote *kn, long hint);
	void	(*f_touch)(struct knote *kn, struct kevent *kev, u_long type);
};

struct knlist {
	struct klist	kl_list;
	void	(*kl_lock)(void *);
	void	(*kl_unlock)(void *);
	void	(*kl_assert_lock)(void *, int);
	void	*kl_lockarg;
	int	kl_autodestroy;
};

struct knote {
	SLIST_ENTRY(knote)	kn_selnext;
	struct knlist		*kn_knlist;
	struct kevent		kn_kevent;
	void			*kn_hook;
	int			kn_hookid;
	int			kn_status;
	int			kn_sfflags;
	int64_t			kn_sdata;
	union {
		void		*p_v;
	} kn_ptr;
	struct filterops	*kn_fop;
	struct kqueue		*kn_kq;		/* null: attached by hand, no kqueue */
};
/* kn_status, FreeBSD's values */
#define KN_ACTIVE	0x01	/* event has been triggered */
#define KN_QUEUED	0x02	/* event is on the kqueue's active list */
#define KN_DISABLED	0x04	/* event is disabled (EV_DISABLE) */
#define KN_DETACHED	0x08	/* knote is off its knlist */
#define KN_MARKER	0x20	/* a scan's marker, not a knote */
#define KN_INFLUX	0x80	/* the kqueue code is changing it (a flag here) */
#define KN_SCAN		0x100	/* in flux for a scan or a register's f_event */
#define kn_id		kn_kevent.ident
#define kn_filter	kn_kevent.filter
#define kn_flags	kn_kevent.flags
#define kn_fflags	kn_kevent.fflags
#define kn_data		kn_kevent.data
#define kn_udata	kn_kevent.udata

/* knote()'s lockflags */
#define KNF_LISTLOCKED	0x0001
#define KNF_NOKQLOCK	0x0002

/* the driver's file and line name the call in a lock-misuse report */
#define KNOTE(list, hint, flags)	ks_fb_knote(list, hint, flags, __FILE__, __LINE__)
#define KNOTE_LOCKED(list, hint)	KNOTE(list, hint, KNF_LISTLOCKED)
#define KNOTE_UNLOCKED(list, hint)	KNOTE(list, hint, 0)

struct mtx;
struct thread;

#ifdef __cplusplus
extern "C" {
#endif
void knote(struct knlist *list, long hint, int lockflags);
void ks_fb_knote(struct knlist *list, long hint, int lockflags, const char *file, int line);
void knlist_add(struct knlist *knl, struct knote *kn, int islocked);
void knlist_remove(struct knlist *knl, struct knote *kn, int islocked);
int knlist_empty(struct knlist *knl);
void knlist_init(struct knlist *knl, void *lock, void (*kl_lock)(void *),
    void (*kl_unlock)(void *), void (*kl_assert_lock)(void *, int));
void knlist_init_mtx(struct knlist *knl, struct mtx *lock);
void knlist_destroy(struct knlist *knl);
void knlist_cleardel(struct knlist *knl, struct thread *td, int islocked, int killkn);
#ifdef __cplusplus
}
#endif
#define knlist_clear(knl, islocked)	knlist_cleardel((knl), NULL, (islocked), 0)
#define knlist_delete(knl, td, islocked)	knlist_cleardel((knl), (td), (islocked), 1)

#endif
