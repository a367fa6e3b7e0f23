/*
 * FreeBSD <sys/ucred.h>: credentials, with the layout of current FreeBSD
 * (cr_gid its own field; cr_groups the supplementary groups only). A
 * process's credential is made from the kernel model's (a uid and a gid,
 * no supplementary groups); a kernel thread's is proc0's, uid 0. Read them
 * through td->td_ucred or p->p_ucred; priv_check_cred(9) says whether one
 * is privileged.
 *
 * crhold/crfree count the driver's references: a crfree that drops one
 * the driver never took fails the run (a real kernel would free the
 * credential under its process), and a reference still held when the run
 * ends is reported as a leak. crget and crdup make a credential in
 * kmem (tag "ucred"; crget may sleep, as FreeBSD's M_WAITOK malloc does)
 * with one reference, freed at the crfree of its last; crcopy into a
 * shared one (cr_ref > 1) panics, as FreeBSD's KASSERT does. One never
 * freed is a leak of that tag.
 */
#ifndef _KS_FREEBSD_SYS_UCRED_H
#define _KS_FREEBSD_SYS_UCRED_H

#include <sys/types.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif

#define CRED_SMALLGROUPS_NB	16

struct prison;

struct ucred {
	long	cr_ref;		/* references: the process's and the driver's */
	u_int	cr_users;
	u_int	cr_flags;
	int	cr_ngroups;	/* supplementary groups */
	uid_t	cr_uid;		/* effective user id */
	uid_t	cr_ruid;	/* real user id */
	uid_t	cr_svuid;	/* saved user id */
	gid_t	cr_gid;		/* effective group id */
	gid_t	cr_rgid;	/* real group id */
	gid_t	cr_svgid;	/* saved group id */
	struct prison *cr_prison;	/* &prison0: no jails */
	gid_t	*cr_groups;
	int	cr_agroups;
	gid_t	cr_smallgroups[CRED_SMALLGROUPS_NB];
};
#define NOCRED	((struct ucred *)0)
#define FSCRED	((struct ucred *)-1)

#ifdef __cplusplus
extern "C" {
#endif
/* ks_fb_: illumos has a crhold and a crfree too, and both link into one binary */
struct ucred *ks_fb_crhold(struct ucred *);
void ks_fb_crfree(struct ucred *);
struct ucred *ks_fb_crget(void);
struct ucred *ks_fb_crdup(struct ucred *);
void ks_fb_crcopy(struct ucred *, struct ucred *);
bool groupmember(gid_t, const struct ucred *);
#ifdef __cplusplus
}
#endif
#define crhold(cr)	ks_fb_crhold(cr)
#define crfree(cr)	ks_fb_crfree(cr)
#define crget()		ks_fb_crget()
#define crdup(cr)	ks_fb_crdup(cr)
#define crcopy(d, s)	ks_fb_crcopy((d), (s))

#endif
