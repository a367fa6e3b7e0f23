"""Runs functions in forked worker processes and brings their results back.

A World's driver globals are process state (DESIGN.md, "Driver globals"):
Worlds may follow one another in a process but never run side by side in
one. So the parts of a split campaign run in worker processes forked from
the caller, one part at a time each: `--jobs N` keeps N workers, each
taking the next part as it finishes one (a fork per part cost 1.3 ms, more
than many DFS parts run); a Dask task (cluster.py) forks one for its part.
A worker inherits everything the caller built before it was forked (the
scenario, its set-up function); a call (tag, fn, args) reaches it pickled
(fn by its module and name), and its result, or its error, comes back
pickled. Workers leave with os._exit when the caller is done: no atexit
handlers, no second flush of the caller's buffers. A worker that dies (a
fault that corrupts the host heap: see "Faults in driver code") is reported
with its signal.

What is the standard library's and what is not. Calls and results travel
over multiprocessing connections (framing, pickling, waiting on many).
The workers are forked by hand, not multiprocessing.Process or a Pool: a
Dask worker is a daemonic process, and multiprocessing refuses to start a
child of one ("daemonic processes are not allowed to have children"), while
a part on a cluster must fork (cluster.py); and a Pool neither says which
worker runs which call nor shares a word per worker, which handing work on
(below) needs.

Handing work on. Each worker shares one word of memory with the caller
(an anonymous shared mapping made before the fork): the caller writes the
running call's number there to ask it to hand its work on. A part that
can stop between executions and return what it left (a DFS part with
want_remainder, runner/search.cc, reads the word before every
execution) does so; any other ignores it. Calls are numbered in the order
sent, so a request that comes after its call ended asks nothing of the
next. run_pool asks (steal) when a worker is idle and there is nothing to
start. (The request was a byte down the calls pipe, polled every 32
executions: a system call, and a byte left over when it came late.)
"""

import mmap
import multiprocessing
import multiprocessing.connection
import os
import signal
import struct

from . import errors
from .errors import KernsimError

_running = None  # in a worker: (shared word, number of the call it runs)
_caller_conns = set()  # this process's ends of its workers' connections: a new worker closes them


def yield_word():
    """In a worker running a call: (word, n), the memory its caller writes
    to ask for the call's work (a writable buffer of one little-endian
    int64) and the call's number; the call is asked once word >= n. None
    outside a worker."""
    return _running


def asked():
    """Has the running call been asked to hand its work on? (False outside
    a worker.)"""
    if _running is None:
        return False
    word, n = _running
    return struct.unpack_from("<q", word)[0] >= n


def _outcome(fn, args):
    try:
        return ("ok", fn(*args))
    except KernsimError as e:
        return ("input", type(e).__name__, str(e))
    except BaseException as e:  # noqa: BLE001 - reported to the caller
        return ("error", f"{type(e).__name__}: {e}")


def _serve(word, conn):
    """A worker: calls in, results out, until the caller closes `conn`."""
    global _running
    while True:
        try:
            n, fn, args = conn.recv()
        except EOFError:
            return
        _running = (word, n)
        out = _outcome(fn, args)
        _running = None
        try:
            conn.send(out)
        except (TypeError, AttributeError, ValueError) as e:  # a result that does not pickle
            conn.send(("error", f"its result cannot be sent back: {e}"))


class Worker:
    def __init__(self):
        self.word = mmap.mmap(-1, 8)  # shared with the child: MAP_SHARED | MAP_ANONYMOUS
        self.conn, child = multiprocessing.Pipe()
        self.pid = os.fork()
        if self.pid == 0:
            status = 0
            try:
                # Ctrl-C at a terminal reaches the whole process group: the
                # caller decides what it means for the calls (run_pool).
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                # Else a worker would hold its siblings' connections open
                # and they would never see the caller close them.
                for c in _caller_conns | {self.conn}:
                    c.close()
                _caller_conns.clear()
                _serve(self.word, child)
            except BaseException:  # noqa: BLE001 - a connection is gone: the caller will say so
                status = 1
            finally:
                os._exit(status)
        child.close()
        _caller_conns.add(self.conn)
        self.sent = 0      # calls sent: the number of the one it runs
        self.tag = None    # of the call it runs
        self.asked = False  # to hand that call's work on
        self.closed = False

    def send(self, tag, fn, args):
        self.sent += 1
        self.tag, self.asked = tag, False
        self.conn.send((self.sent, fn, tuple(args)))

    def ask_to_yield(self):
        self.asked = True
        struct.pack_into("<q", self.word, 0, self.sent)

    def read(self):
        """The call's outcome (the worker sends it whole). A worker that
        ended without sending it is a KernsimError."""
        try:
            return self.conn.recv()
        except EOFError:
            self.close()
            raise KernsimError(f"worker process {self.pid} {self.how} before reporting a "
                               f"result") from None

    def close(self, kill=False):
        """Ends the worker (at once, if kill) and waits for it."""
        if self.closed:
            return
        self.closed = True
        if kill:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _caller_conns.discard(self.conn)
        self.conn.close()
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            status = 0
        if os.WIFSIGNALED(status):
            self.how = f"was killed by {signal.Signals(os.WTERMSIG(status)).name}"
        else:
            self.how = f"exited with status {os.waitstatus_to_exitcode(status)}"


def _result(worker, out):
    if out[0] == "ok":
        return out[1]
    if out[0] == "input":  # bad input the worker met: the same error, here
        cls = getattr(errors, out[1], None)
        if not (isinstance(cls, type) and issubclass(cls, KernsimError)):
            cls = KernsimError
        raise cls(out[2])
    raise KernsimError(f"worker process {worker.pid} failed: {out[1]}")


def run_pool(next_call, on_result, at_once, steal=None, interruptible=False):
    """Keeps up to `at_once` workers busy: next_call() gives the next
    (tag, fn, args) to run, or None when there is nothing to start now (it
    is asked again as calls finish); on_result(tag, result) takes each
    result. While a worker is idle and nothing is to start, steal(tags), if
    given, names those of the running calls' tags whose work should be
    handed on (a collection, maybe empty). Returns when nothing runs and
    nothing is left to start: True if Ctrl-C stopped it, else False. With
    `interruptible` (from the main thread), Ctrl-C starts nothing more and
    asks every running call to hand its work on, whose results still come
    to on_result; a second Ctrl-C is a KeyboardInterrupt. If a call fails,
    or the caller is interrupted, the workers are killed."""
    idle, busy = [], {}  # busy: connection -> Worker
    ok = False
    stop = []  # Ctrl-C came

    def ask(pick):
        """Asks the running calls pick(their tags) names to hand their work on."""
        running = list(busy.values())
        chosen = pick([w.tag for w in running if not w.asked])
        for w in running:
            if w.tag in chosen and not w.asked:
                w.ask_to_yield()

    def on_sigint(signum, frame):
        # Between two of the loop's bytecodes: only asks (a store to
        # shared memory); a result being taken is taken whole.
        if stop:
            raise KeyboardInterrupt
        stop.append(True)
        ask(lambda tags: tags)

    old = signal.signal(signal.SIGINT, on_sigint) if interruptible else None
    try:
        while True:
            while not stop and len(busy) < max(1, at_once):
                call = next_call()
                if call is None:
                    break
                w = idle.pop() if idle else Worker()
                w.send(*call)
                busy[w.conn] = w
            if not busy:
                ok = True
                return bool(stop)
            if stop:  # a call sent as Ctrl-C came
                ask(lambda tags: tags)
            elif steal is not None and len(busy) < max(1, at_once):
                ask(steal)
            for conn in multiprocessing.connection.wait(list(busy)):
                w = busy.pop(conn)
                out = w.read()
                idle.append(w)
                on_result(w.tag, _result(w, out))
    finally:
        if interruptible:
            signal.signal(signal.SIGINT, old)
        for w in idle + list(busy.values()):
            w.close(kill=not ok)


def run_one(fn, *args):
    """fn(*args) in a forked worker (what a Dask task does on its worker)."""
    out = []
    calls = [(0, fn, args)]
    run_pool(lambda: calls.pop() if calls else None, lambda tag, res: out.append(res), 1)
    return out[0]
