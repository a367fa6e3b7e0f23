// A client stuck REPLY-blocked on a resource manager, for the stuck report
// (World::WaitDescriber): which node its message went to, and whether a
// signal would end the wait. The channel of a resource manager asks to be
// told of unblocks, so a signal to the client is a pulse that reaches the
// OCB's io_unblock handler; a server with its own handler can answer it
// (the wait is then like an interruptible sleep, the program's own hang),
// while the library's default leaves the client blocked until a reply, and
// so does a server that was asked and did not answer.
#include <string>

#include "kernel_model/msg_channel.h"
#include "kernel_model/qnx/state.h"

using ks::km::World;
namespace q = ks::km::qnx;

namespace {

bool describe_reply_blocked(World& w, ks::km::Tid t, ks::km::ObjId, std::string* line,
                            std::string* sig) {
  ks::km::MsgBlocked b;
  if (!ks::km::msg_reply_blocked(w, t, &b)) return false;
  q::QnxState& s = q::state(w);
  auto it = s.attach_of_coid.find(b.coid);
  q::Attach* a = it == s.attach_of_coid.end() ? nullptr : q::attach_of(w, it->second);
  if (!a) return false;
  const bool own = a->io && a->io->unblock && a->io->unblock != iofunc_unblock_default;
  const ks::sim::Thread* th = w.sim().thread(t);
  *line = std::string("sleeps in MsgSend/REPLY-blocked on ") + a->path + " since step " +
          std::to_string(th->wait_step) + ": the server received its message (rcvid " +
          std::to_string(b.rcvid) + ") and has not replied; ";
  if (b.unblock_sent)
    *line += "a signal asked the server to unblock it, and it did not reply";
  else if (own)
    *line += "a signal would reach the server's own io_unblock";
  else
    *line += "the server's io_unblock is the library's default, so only a reply ends the wait";
  *sig = std::string(own && !b.unblock_sent ? "stuck:resmgr_reply_sig:" : "stuck:resmgr_reply:") +
         a->path;
  return true;
}

[[maybe_unused]] const bool kDescriberAdded =
    (World::add_wait_describer(describe_reply_blocked), true);

}  // namespace
