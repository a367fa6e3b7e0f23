// The stream head's files' shared declarations (stream_head.cc, stream_ioctl.cc).
#pragma once

#include "kernel_model/stream_state.h"

namespace ks::km::str {

int head_ioctl(void* cookie, uint64_t dev, int64_t cmd, uint64_t arg, int mode, const Cred& cr,
               int* rval);
// An allocation of the stream head's own, which waits for memory rather
// than failing (strmakedata's allocb_wait).
ks_mblk_t* allocb_wait(World& w, size_t size, const char* op);
// Closes one module or driver pair of stream si (I_POP, last close).
void close_pair(World& w, uint32_t si, uint32_t pi, int flags, const Cred& cr);
// I_PUSH, I_POP and a reopen, one at a time per stream.
void plumb_begin(World& w, Stream& s);
void plumb_end(World& w, Stream& s);
// putmsg/getmsg (stream_msgio.cc) into a stream's DevOps.
void set_msgio(DevOps& ops);
int call_open(World& w, uint32_t pi, uint64_t* dev, int flags, int sflag, const Cred& cr);

}  // namespace ks::km::str
