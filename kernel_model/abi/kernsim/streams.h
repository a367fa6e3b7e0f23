/*
 * The STREAMS data structures as the neutral kernel model keeps them: the
 * message (msgb/datab), the queue and its qinit, module_info and streamtab,
 * and the ioctl records (iocblk, copyreq/copyresp, strioctl). SVR4 defined
 * these names and fields once for every STREAMS system, so the model uses
 * SVR4's field names under its own tags (ks_*); a personality's headers
 * (illumos <sys/stream.h>) give them the system's type names. Layouts are
 * kernsim's own, but for the ioctl records: iocblk, copyreq and copyresp
 * put each field where illumos's LP64 ones do (drivers cast one to
 * another), with fillers after (checked in kernel_model/illumos/stream.cc).
 *
 * Message types and flag values are SVR4's (the same on every STREAMS
 * system that kept SVR4's numbering).
 */
#ifndef KERNSIM_STREAMS_H
#define KERNSIM_STREAMS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ks_queue;
struct ks_msgb;

/* Message types: ordinary below KS_QPCTL, high priority from it. */
#define KS_M_DATA 0x00
#define KS_M_PROTO 0x01
#define KS_M_BREAK 0x08
#define KS_M_CTL 0x0d
#define KS_M_IOCTL 0x0e
#define KS_M_SETOPTS 0x10
#define KS_QPCTL 0x80
#define KS_M_IOCACK 0x81
#define KS_M_IOCNAK 0x82
#define KS_M_PCPROTO 0x83
#define KS_M_FLUSH 0x86
#define KS_M_HANGUP 0x89
#define KS_M_ERROR 0x8a
#define KS_M_COPYIN 0x8b
#define KS_M_COPYOUT 0x8c
#define KS_M_IOCDATA 0x8d

/* q_flag */
#define KS_QENAB 0x01
#define KS_QWANTR 0x02
#define KS_QWANTW 0x04
#define KS_QFULL 0x08
#define KS_QREADR 0x10
#define KS_QUSE 0x20
#define KS_QNOENB 0x40

/* The free routine of a loaned buffer (esballoc). */
typedef struct ks_free_rtn {
	void (*free_func)(void *);
	void *free_arg;
} ks_frtn_t;

typedef struct ks_datab {
	ks_frtn_t *db_frtnp;       /* esballoc's free routine, or NULL */
	unsigned char *db_base;
	unsigned char *db_lim;
	unsigned char db_ref;      /* mblks sharing this datab */
	unsigned char db_type;     /* KS_M_* */
	unsigned char db_flags;
	unsigned char db_struioflag;
	uint32_t db_ks_flags;      /* kernsim: KS_DB_* below */
	uint64_t db_ks_owner;      /* kernsim: the stream it was made in (index + 1), 0: none */
} ks_dblk_t;
#define KS_DB_LOANED 1   /* esballoc: the buffer is the caller's */
#define KS_DB_INLINE 2   /* the data follows the datab in one allocation */

typedef struct ks_msgb {
	struct ks_msgb *b_next;
	struct ks_msgb *b_prev;
	struct ks_msgb *b_cont;
	unsigned char *b_rptr;
	unsigned char *b_wptr;
	struct ks_datab *b_datap;
	unsigned char b_band;
	unsigned char b_tag;
	unsigned short b_flag;
	struct ks_queue *b_queue;
} ks_mblk_t;

struct ks_cred;

typedef struct ks_module_info {
	unsigned short mi_idnum;
	const char *mi_idname;
	ptrdiff_t mi_minpsz;
	ptrdiff_t mi_maxpsz;
	size_t mi_hiwat;
	size_t mi_lowat;
} ks_module_info_t;

/* Entry points. As in SVR4 (pfi_t) a C driver sees them unprototyped, so
 * its open taking (queue_t *, dev_t *, int, int, cred_t *) fits as it is;
 * the model calls them with the arguments below (the dev_t and cred_t are
 * the personality's, passed on as pointers). */
#ifdef __cplusplus
#define KS_PFI(name, ...) int (*name)(__VA_ARGS__)
#else
#define KS_PFI(name, ...) int (*name)()
#endif
typedef struct ks_qinit {
	KS_PFI(qi_putp, struct ks_queue *, struct ks_msgb *);
	KS_PFI(qi_srvp, struct ks_queue *);
	KS_PFI(qi_qopen, struct ks_queue *, void *devp, int flag, int sflag, void *cr);
	KS_PFI(qi_qclose, struct ks_queue *, int flag, void *cr);
	KS_PFI(qi_qadmin, void);
	ks_module_info_t *qi_minfo;
	void *qi_mstat;
} ks_qinit_t;

typedef struct ks_queue {
	ks_qinit_t *q_qinfo;
	ks_mblk_t *q_first;
	ks_mblk_t *q_last;
	struct ks_queue *q_next;
	struct ks_queue *q_link;
	void *q_ptr;
	size_t q_count;
	unsigned int q_flag;
	ptrdiff_t q_minpsz;
	ptrdiff_t q_maxpsz;
	size_t q_hiwat;
	size_t q_lowat;
	uint32_t q_ks_id;      /* kernsim: the queue's record in the model */
} ks_queue_t;

typedef struct ks_streamtab {
	ks_qinit_t *st_rdinit;
	ks_qinit_t *st_wrinit;
	ks_qinit_t *st_muxrinit;
	ks_qinit_t *st_muxwinit;
} ks_streamtab_t;

/* M_IOCTL, M_IOCACK, M_IOCNAK. The three ioctl records share their
 * head (command, credential, id, data model flag) and put their private
 * pointer at one place, so a module turns one into another in place. */
typedef struct ks_iocblk {
	int ioc_cmd;
	void *ioc_cr;
	unsigned int ioc_id;
	unsigned int ioc_flag;   /* the caller's data model (KS_IOC_ILP32 ...) */
	size_t ioc_count;        /* KS_TRANSPARENT for a transparent ioctl */
	int ioc_rval;
	int ioc_error;
	int ioc_filler[4];
} ks_iocblk_t;

/* M_COPYIN, M_COPYOUT */
typedef struct ks_copyreq {
	int cq_cmd;
	void *cq_cr;
	unsigned int cq_id;
	unsigned int cq_flag;
	struct ks_msgb *cq_private;
	char *cq_addr;           /* the user address */
	size_t cq_size;
	int cq_filler[2];
} ks_copyreq_t;

/* M_IOCDATA */
typedef struct ks_copyresp {
	int cp_cmd;
	void *cp_cr;
	unsigned int cp_id;
	unsigned int cp_flag;    /* the caller's data model, as ioc_flag */
	struct ks_msgb *cp_private;
	char *cp_rval;           /* 0: the copy succeeded; else its error */
	int cp_filler[4];
} ks_copyresp_t;

/* M_SETOPTS: stream head options a driver or module sets from below.
 * so_flags says which fields count (KS_SO_*). */
typedef struct ks_stroptions {
	unsigned int so_flags;
	short so_readopt;        /* KS_RNORM ... | KS_RPROT* */
	unsigned short so_wroff; /* room left before the data of each write */
	ptrdiff_t so_minpsz;     /* the head read queue's packet sizes */
	ptrdiff_t so_maxpsz;
	size_t so_hiwat;         /* the head read queue's water marks */
	size_t so_lowat;
	unsigned char so_band;
	unsigned short so_erropt;
	ptrdiff_t so_maxblk;
	unsigned short so_copyopt;
	unsigned short so_tail;
} ks_stroptions_t;
#define KS_SO_READOPT 0x0001
#define KS_SO_WROFF 0x0002
#define KS_SO_MINPSZ 0x0004
#define KS_SO_MAXPSZ 0x0008
#define KS_SO_HIWAT 0x0010
#define KS_SO_LOWAT 0x0020
/* read modes (so_readopt): how read(2) takes messages, and what it does
 * with M_PROTO/M_PCPROTO */
#define KS_RNORM 0x0000      /* byte stream: across messages */
#define KS_RMSGD 0x0001      /* one message, the rest discarded */
#define KS_RMSGN 0x0002      /* one message, the rest left */
#define KS_RMODEMASK 0x0003
#define KS_RPROTDAT 0x0004   /* control parts read as data */
#define KS_RPROTDIS 0x0008   /* control parts discarded */
#define KS_RPROTNORM 0x0010  /* a control part fails read with EBADMSG */
#define KS_RPROTMASK 0x001c

#define KS_TRANSPARENT ((size_t)(unsigned int)-1)
#define KS_IOC_ILP32 0x00100000
#define KS_IOC_LP64 0x00200000
#define KS_IOC_MODELS 0x0ff00000

#ifdef __cplusplus
}
#endif

#endif
