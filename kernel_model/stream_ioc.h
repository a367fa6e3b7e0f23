// The ioctl helpers of SVR4 STREAMS (stream_ioc.cc).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernsim/streams.h"

namespace ks::km {
class World;
}

namespace ks::km::str {

void miocack(World& w, ks_queue_t* wq, ks_mblk_t* mp, int count, int rval);
void miocnak(World& w, ks_queue_t* wq, ks_mblk_t* mp, int count, int error);
void mcopyin(World& w, ks_mblk_t* mp, void* priv, size_t size, void* useraddr);
void mcopyout(World& w, ks_mblk_t* mp, void* priv, size_t size, void* useraddr, ks_mblk_t* dp);
int miocpullup(World& w, ks_mblk_t* mp, size_t size);
// strsun.c: mioc2ack turns mp into an M_IOCACK carrying dp (count bytes)
// without sending it; mexchange reuses mp (one reference, room for size)
// or frees it for a new block, sets its type, length and (primtype >= 0)
// first int32; merror sends an M_ERROR of `error` up from wq.
void mioc2ack(World& w, ks_mblk_t* mp, ks_mblk_t* dp, size_t count, int rval);
ks_mblk_t* mexchange(World& w, ks_queue_t* wq, ks_mblk_t* mp, size_t size, unsigned char type,
                     int32_t primtype);
void merror(World& w, ks_queue_t* wq, ks_mblk_t* mp, int error);

}  // namespace ks::km::str
