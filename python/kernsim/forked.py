"""Runs a function in a forked child process and brings its result back.

A World's driver globals are process state (DESIGN.md, "Driver globals"):
Worlds may follow one another in a process but never run side by side in
one. So every part of a split campaign runs in a process of its own, forked
from the caller: `--jobs N` keeps N such children running; a Dask task
(cluster.py) forks one on its worker. The child inherits everything the parent built (the
scenario, its set-up function), runs `fn(*args)`, pickles the result (or the
error) into a pipe and leaves with os._exit: no atexit handlers, no second
flush of the parent's buffers. A child that dies (a fault that corrupts the
host heap: see "Faults in driver code") is reported with its signal.
"""

import os
import pickle
import selectors
import signal

from . import errors
from .errors import KernsimError


class Child:
    def __init__(self, pid, fd):
        self.pid = pid
        self.fd = fd
        self.done = False  # waited for


def start(fn, *args):
    """Forks a child that runs fn(*args); its result comes through the pipe `fd`."""
    rd, wr = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(rd)
        status = 0
        try:
            try:
                out = ("ok", fn(*args))
            except KernsimError as e:
                out = ("input", type(e).__name__, str(e))
            except BaseException as e:  # noqa: BLE001 - reported to the parent
                out = ("error", f"{type(e).__name__}: {e}")
            data = pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL)
            view = memoryview(data)
            while view:
                view = view[os.write(wr, view):]
        except BaseException:  # noqa: BLE001 - the pipe is gone: the parent will say so
            status = 1
        finally:
            os._exit(status)
    os.close(wr)
    return Child(pid, rd)


def _finish(child, data):
    """The result a child sent (`data`, read to EOF); its error, or its
    death, is a KernsimError."""
    os.close(child.fd)
    _, status = os.waitpid(child.pid, 0)
    child.done = True
    if not data:
        if os.WIFSIGNALED(status):
            how = f"was killed by {signal.Signals(os.WTERMSIG(status)).name}"
        else:
            how = f"exited with status {os.waitstatus_to_exitcode(status)}"
        raise KernsimError(f"worker process {child.pid} {how} before reporting a result")
    out = pickle.loads(data)
    if out[0] == "ok":
        return out[1]
    if out[0] == "input":  # bad input the worker met: the same error, here
        cls = getattr(errors, out[1], None)
        if not (isinstance(cls, type) and issubclass(cls, KernsimError)):
            cls = KernsimError
        raise cls(out[2])
    raise KernsimError(f"worker process {child.pid} failed: {out[1]}")


def kill(child):
    """Ends a child whose result was not read (the caller failed or was interrupted)."""
    try:
        os.kill(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.close(child.fd)
    except OSError:
        pass
    try:
        os.waitpid(child.pid, 0)
    except ChildProcessError:
        pass
    child.done = True


def run_pool(next_call, on_result, at_once):
    """Keeps up to `at_once` children running: next_call() gives the next
    (tag, fn, args) to run, or None when there is nothing to start now (it
    is asked again as children finish); on_result(tag, result) takes each
    result. Returns when nothing runs and nothing is left to start. If a
    child fails, or the caller is interrupted, the children still running
    are killed."""
    running = {}  # pipe fd -> (tag, child, chunks read)
    sel = selectors.DefaultSelector()
    try:
        while True:
            while len(running) < max(1, at_once):
                call = next_call()
                if call is None:
                    break
                tag, fn, args = call
                c = start(fn, *args)
                running[c.fd] = (tag, c, [])
                sel.register(c.fd, selectors.EVENT_READ)
            if not running:
                return
            for key, _ in sel.select():
                tag, c, chunks = running[key.fd]
                b = os.read(key.fd, 1 << 20)
                if b:
                    chunks.append(b)
                    continue
                sel.unregister(key.fd)
                del running[key.fd]
                on_result(tag, _finish(c, b"".join(chunks)))
    finally:
        for _, c, _ in running.values():
            kill(c)
        sel.close()


def run_one(fn, *args):
    """fn(*args) in a forked child (what a Dask task does on its worker)."""
    out = []
    calls = [(0, fn, args)]
    run_pool(lambda: calls.pop() if calls else None, lambda tag, res: out.append(res), 1)
    return out[0]
