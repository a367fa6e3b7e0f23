/*
 * illumos <sys/stream.h>: STREAMS messages and queues. The structures are
 * the kernel model's (kernsim/streams.h, SVR4's field names); this header
 * gives them illumos's type names and declares the utility routines,
 * which translate onto the model's STREAMS framework.
 */
#ifndef _KS_ILLUMOS_SYS_STREAM_H
#define _KS_ILLUMOS_SYS_STREAM_H

#include <sys/types.h>
#include <sys/cred.h>
#include <sys/ksynch.h>
#include <sys/time_illumos.h>
#include <kernsim/streams.h>

typedef struct ks_queue queue_t;
typedef struct ks_msgb mblk_t;
typedef struct ks_datab dblk_t;
typedef struct ks_free_rtn frtn_t;
typedef struct ks_qinit qinit_t;
/* the structure tags drivers spell out (struct qinit rinit = ...) */
#define free_rtn ks_free_rtn
#define qinit ks_qinit
#define module_info ks_module_info
#define streamtab ks_streamtab
#define iocblk ks_iocblk
#define copyreq ks_copyreq
#define copyresp ks_copyresp
#define stroptions ks_stroptions
struct module_info;
struct streamtab;
struct iocblk;
struct copyreq;
struct copyresp;
struct stroptions;

/* message types */
#define M_DATA KS_M_DATA
#define M_PROTO KS_M_PROTO
#define M_BREAK KS_M_BREAK
#define M_DELAY 0x0c	/* illumos's value; the model gives it no meaning */
#define M_CTL KS_M_CTL
#define M_IOCTL KS_M_IOCTL
#define M_SETOPTS KS_M_SETOPTS
#define QPCTL KS_QPCTL
#define M_IOCACK KS_M_IOCACK
#define M_IOCNAK KS_M_IOCNAK
#define M_PCPROTO KS_M_PCPROTO
#define M_FLUSH KS_M_FLUSH
#define M_HANGUP KS_M_HANGUP
#define M_ERROR KS_M_ERROR
#define M_COPYIN KS_M_COPYIN
#define M_COPYOUT KS_M_COPYOUT
#define M_IOCDATA KS_M_IOCDATA

/* a message of data to pass on or queue, as <sys/stream.h> has it */
#define datamsg(type) \
	((type) == M_DATA || (type) == M_PROTO || (type) == M_PCPROTO || (type) == M_DELAY)

/* q_flag */
#define QENAB KS_QENAB
#define QWANTR KS_QWANTR
#define QWANTW KS_QWANTW
#define QFULL KS_QFULL
#define QREADR KS_QREADR
#define QUSE KS_QUSE
#define QNOENB KS_QNOENB

/* flush flags (M_FLUSH's first byte) and flushq's */
#define FLUSHR 0x01
#define FLUSHW 0x02
#define FLUSHRW 0x03
#define FLUSHBAND 0x04
#define FLUSHALL 1
#define FLUSHDATA 0

/* allocation priorities (ignored, as on illumos) */
#define BPRI_LO 1
#define BPRI_MED 2
#define BPRI_HI 3

/* open sflag */
#define MODOPEN 0x1
#define CLONEOPEN 0x2

#define TRANSPARENT KS_TRANSPARENT
#define IOC_MODELS KS_IOC_MODELS
#define IOC_ILP32 KS_IOC_ILP32
#define IOC_LP64 KS_IOC_LP64
#define IOC_NATIVE KS_IOC_LP64
#define IOC_NONE 0

#define INFPSZ (-1)

/* M_SETOPTS's so_flags */
#define SO_ALL 0x003f
#define SO_READOPT KS_SO_READOPT
#define SO_WROFF KS_SO_WROFF
#define SO_MINPSZ KS_SO_MINPSZ
#define SO_MAXPSZ KS_SO_MAXPSZ
#define SO_HIWAT KS_SO_HIWAT
#define SO_LOWAT KS_SO_LOWAT

/* qwriter(9F) */
#define PERIM_INNER 1
#define PERIM_OUTER 2

typedef uintptr_t bufcall_id_t;
#ifndef _KS_ILLUMOS_TIMEOUT_ID_T
#define _KS_ILLUMOS_TIMEOUT_ID_T
typedef void *timeout_id_t;
#endif

#ifdef __cplusplus
extern "C" {
#endif
extern mblk_t *allocb(size_t, uint_t);
extern mblk_t *esballoc(unsigned char *, size_t, uint_t, frtn_t *);
extern mblk_t *desballoc(unsigned char *, size_t, uint_t, frtn_t *);
extern void freeb(mblk_t *);
extern void freemsg(mblk_t *);
extern mblk_t *dupb(mblk_t *);
extern mblk_t *dupmsg(mblk_t *);
extern mblk_t *copyb(mblk_t *);
extern mblk_t *copymsg(mblk_t *);
extern int pullupmsg(mblk_t *, ssize_t);
extern mblk_t *msgpullup(mblk_t *, ssize_t);
extern size_t msgdsize(mblk_t *);
extern void linkb(mblk_t *, mblk_t *);
extern mblk_t *unlinkb(mblk_t *);
extern bufcall_id_t bufcall(size_t, uint_t, void (*)(void *), void *);
extern void unbufcall(bufcall_id_t);
extern int putq(queue_t *, mblk_t *);
extern int putbq(queue_t *, mblk_t *);
extern mblk_t *getq(queue_t *);
extern void flushq(queue_t *, int);
extern void qenable(queue_t *);
extern void noenable(queue_t *);
extern void enableok(queue_t *);
extern int canput(queue_t *);
extern int canputnext(queue_t *);
extern int bcanput(queue_t *, unsigned char);
extern int bcanputnext(queue_t *, unsigned char);
extern void flushband(queue_t *, unsigned char, int);
/* insq/rmvq: illumos takes the queue lock when the caller did not
 * freezestr; a message that is not on the queue is a driver bug */
extern int insq(queue_t *, mblk_t *, mblk_t *);
extern void rmvq(queue_t *, mblk_t *);
extern int qsize(queue_t *);
extern queue_t *backq(queue_t *);
extern void freezestr(queue_t *);
extern void unfreezestr(queue_t *);
extern int adjmsg(mblk_t *, ssize_t);
extern void putnext(queue_t *, mblk_t *);
extern void qreply(queue_t *, mblk_t *);
extern int putctl(queue_t *, int);
extern int putctl1(queue_t *, int, int);
extern int putnextctl(queue_t *, int);
extern int putnextctl1(queue_t *, int, int);
extern void qprocson(queue_t *);
extern void qprocsoff(queue_t *);
extern void put(queue_t *, mblk_t *);
/* the callback is called as (*func)(queue_t *, mblk_t *), as in illumos */
extern void qwriter(queue_t *, mblk_t *, void (*)(), int);
/* open and close routines only: 0 from qwait_sig when a signal came */
extern void qwait(queue_t *);
extern int qwait_sig(queue_t *);
extern queue_t *RD(queue_t *);
extern queue_t *WR(queue_t *);
extern queue_t *OTHERQ(queue_t *);
extern timeout_id_t qtimeout(queue_t *, void (*)(void *), void *, clock_t);
extern clock_t quntimeout(queue_t *, timeout_id_t);
extern bufcall_id_t qbufcall(queue_t *, size_t, uint_t, void (*)(void *), void *);
extern void qunbufcall(queue_t *, bufcall_id_t);
#ifdef __cplusplus
}
#endif

#endif
