// The ioctl helpers of SVR4 STREAMS (stream_ioc.cc).
#pragma once

#include <cstddef>

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

}  // namespace ks::km::str
