/*
 * illumos <sys/strsun.h>: STREAMS conveniences: block lengths and types,
 * the ioctl helpers (miocack, miocnak, mioc2ack, mcopyin, mcopyout), and
 * mexchange/merror.
 */
#ifndef _KS_ILLUMOS_SYS_STRSUN_H
#define _KS_ILLUMOS_SYS_STRSUN_H

#include <sys/stream.h>

#define DB_BASE(mp) ((mp)->b_datap->db_base)
#define DB_LIM(mp) ((mp)->b_datap->db_lim)
#define DB_REF(mp) ((mp)->b_datap->db_ref)
#define DB_TYPE(mp) ((mp)->b_datap->db_type)
#define MBLKL(mp) ((mp)->b_wptr - (mp)->b_rptr)
#define MBLKSIZE(mp) ((mp)->b_datap->db_lim - (mp)->b_datap->db_base)
#define MBLKHEAD(mp) ((mp)->b_rptr - (mp)->b_datap->db_base)
#define MBLKTAIL(mp) ((mp)->b_datap->db_lim - (mp)->b_wptr)

#ifdef __cplusplus
extern "C" {
#endif
extern void miocack(queue_t *, mblk_t *, int, int);
extern void miocnak(queue_t *, mblk_t *, int, int);
extern void mcopyin(mblk_t *, void *, size_t, void *);
extern void mcopyout(mblk_t *, void *, size_t, void *, mblk_t *);
extern int miocpullup(mblk_t *, size_t);
extern size_t msgsize(mblk_t *);
extern void mcopymsg(mblk_t *, void *);
extern void mioc2ack(mblk_t *, mblk_t *, size_t, int);
extern mblk_t *mexchange(queue_t *, mblk_t *, size_t, uchar_t, int32_t);
extern void merror(queue_t *, mblk_t *, int);
#ifdef __cplusplus
}
#endif

#endif
