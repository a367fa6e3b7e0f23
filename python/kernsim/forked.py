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

Handing work on. While a worker runs a call, the pipe its calls come
through carries nothing but a request to hand the call's work on, one byte
(b"Y"): a part that can stop between executions and return what it left (a
DFS part with want_remainder polls yield_fd(), python/core/search.cc) does
so; any other ignores it. run_pool asks (steal) when a worker is idle and
there is nothing to start.
"""

import os
import pickle
import selectors
import signal

from . import errors
from .errors import KernsimError

_CALL, _YIELD = b"C", b"Y"
_yield_fd = None
_caller_fds = set()  # this process's ends of its workers' pipes: a new worker closes them


def yield_fd():
    """In a worker: the descriptor that turns readable when the caller wants
    the running call's work handed on. None outside a worker."""
    return _yield_fd


def _read_exact(fd, n):
    buf = bytearray()
    while len(buf) < n:
        b = os.read(fd, n - len(buf))
        if not b:
            return None
        buf += b
    return bytes(buf)


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _frame(obj):
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return len(data).to_bytes(8, "little") + data


def _outcome(fn, args):
    try:
        return ("ok", fn(*args))
    except KernsimError as e:
        return ("input", type(e).__name__, str(e))
    except BaseException as e:  # noqa: BLE001 - reported to the caller
        return ("error", f"{type(e).__name__}: {e}")


def _serve(calls, results):
    """A worker: calls in, results out, until the caller closes `calls`."""
    global _yield_fd
    _yield_fd = calls
    while True:
        kind = _read_exact(calls, 1)
        if kind is None:
            return
        if kind == _YIELD:  # asked after its call had ended: nothing to hand on
            continue
        size = _read_exact(calls, 8)
        data = size and _read_exact(calls, int.from_bytes(size, "little"))
        if data is None:
            return
        fn, args = pickle.loads(data)
        try:
            out = _frame(_outcome(fn, args))
        except Exception as e:  # noqa: BLE001 - a result that does not pickle
            out = _frame(("error", f"its result cannot be sent back: {e}"))
        _write_all(results, out)


class Worker:
    def __init__(self):
        calls_r, self.calls = os.pipe()
        self.results, results_w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            status = 0
            try:
                # Else a worker would hold its siblings' calls pipes open
                # and they would never see the caller close them.
                for fd in _caller_fds | {self.calls, self.results}:
                    os.close(fd)
                _caller_fds.clear()
                _serve(calls_r, results_w)
            except BaseException:  # noqa: BLE001 - a pipe is gone: the caller will say so
                status = 1
            finally:
                os._exit(status)
        os.close(calls_r)
        os.close(results_w)
        _caller_fds.update((self.calls, self.results))
        self.tag = None    # of the call it runs
        self.asked = False  # to hand that call's work on
        self.got = bytearray()
        self.closed = False

    def send(self, tag, fn, args):
        self.tag, self.asked, self.got = tag, False, bytearray()
        data = pickle.dumps((fn, tuple(args)), protocol=pickle.HIGHEST_PROTOCOL)
        _write_all(self.calls, _CALL + len(data).to_bytes(8, "little") + data)

    def ask_to_yield(self):
        self.asked = True
        _write_all(self.calls, _YIELD)

    def read(self):
        """The call's outcome once all of it has come; None before. A
        worker that ended without sending it is a KernsimError."""
        b = os.read(self.results, 1 << 20)
        if not b:
            self.close()
            raise KernsimError(f"worker process {self.pid} {self.how} before reporting a result")
        self.got += b
        if len(self.got) < 8 or len(self.got) < 8 + int.from_bytes(self.got[:8], "little"):
            return None
        out = pickle.loads(self.got[8:])
        self.got = bytearray()
        return out

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
        for fd in (self.calls, self.results):
            _caller_fds.discard(fd)
            try:
                os.close(fd)
            except OSError:
                pass
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


def run_pool(next_call, on_result, at_once, steal=None):
    """Keeps up to `at_once` workers busy: next_call() gives the next
    (tag, fn, args) to run, or None when there is nothing to start now (it
    is asked again as calls finish); on_result(tag, result) takes each
    result. While a worker is idle and nothing is to start, steal(tags), if
    given, names those of the running calls' tags whose work should be
    handed on (a collection, maybe empty). Returns when nothing runs and nothing is left to
    start. If a call fails, or the caller is interrupted, the workers are
    killed."""
    idle, busy = [], {}  # busy: results fd -> Worker
    sel = selectors.DefaultSelector()
    ok = False
    try:
        while True:
            while len(busy) < max(1, at_once):
                call = next_call()
                if call is None:
                    break
                w = idle.pop() if idle else Worker()
                w.send(*call)
                busy[w.results] = w
                sel.register(w.results, selectors.EVENT_READ)
            if not busy:
                ok = True
                return
            if steal is not None and len(busy) < max(1, at_once):
                asked = steal([w.tag for w in busy.values() if not w.asked])
                for w in busy.values():
                    if w.tag in asked and not w.asked:
                        w.ask_to_yield()
            for key, _ in sel.select():
                w = busy[key.fd]
                out = w.read()
                if out is None:
                    continue
                sel.unregister(key.fd)
                del busy[key.fd]
                idle.append(w)
                on_result(w.tag, _result(w, out))
    finally:
        for w in idle + list(busy.values()):
            w.close(kill=not ok)
        sel.close()


def run_one(fn, *args):
    """fn(*args) in a forked worker (what a Dask task does on its worker)."""
    out = []
    calls = [(0, fn, args)]
    run_pool(lambda: calls.pop() if calls else None, lambda tag, res: out.append(res), 1)
    return out[0]
