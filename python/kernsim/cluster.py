"""Distributed campaigns on a Dask cluster (Debian's python3-distributed).

`kernsim explore ... --jobs N --cluster tcp://HOST:PORT` runs the parts
`--jobs N` would run in local processes (the N seed chunks of a random/PCT
campaign, parallel.py; the slices of a DFS split, N in flight, dfs_split.py)
as tasks of the scheduler at that address, which places them on its
workers' threads, and merges the results with the same functions as
`--jobs` (merge.py): the merged result does not depend on where the parts
ran. Give N the cluster's thread count (or more, for the seed split).

Process semantics. A Dask worker is one long-lived process running tasks on
a pool of --nthreads threads, and a World's driver globals are process
state: two Worlds must never run side by side in one process. So a task
does not run its part itself: it forks a child (forked.run_one, os.fork,
not multiprocessing, so a nanny's daemonic worker may fork too), the part
runs there in a fresh process, and the task returns the child's result.
Hence: (1) any --nthreads is safe, and with --nthreads T a worker runs T
parts at once, each in its own child; (2) the worker thread waits on a pipe
with the GIL released, so the worker keeps answering the scheduler's
heartbeats while a part runs for minutes in C++ (which holds the GIL);
(3) a fault that kills the simulator kills the child, and the task fails
with a message naming its signal, while the worker lives on.

Start workers with one thread per core they may use, and the build on
their PYTHONPATH (a Python scenario's script must also be at the same path
on every worker):

    dask-scheduler --host HOST --port PORT
    PYTHONPATH=/path/to/build/python dask-worker tcp://HOST:PORT --nthreads 1 --nworkers K

With --nthreads 1 a worker process holds one part at a time, which makes
the scheduler's placement (one task per free thread) the placement of
parts on cores. The nanny (default) restarts a worker process that dies;
--no-nanny works the same (a task forks its child either way). The test
(tests/python/test_cluster.py) starts one worker of each kind on loopback.
"""

import re

from . import forked
from .errors import KernsimError

CONNECT_TIMEOUT = 10.0  # seconds to reach the scheduler, then to see a worker


def check_address(address):
    """tcp://HOST:PORT, else a KernsimError saying so."""
    m = re.fullmatch(r"tcp://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})", address or "")
    if not m or not 0 < int(m.group(2)) < 65536:
        raise KernsimError(f"--cluster '{address}': want a Dask scheduler's address, "
                           f"tcp://HOST:PORT")
    return address


def kernsim_part(part, args):
    """What a Dask worker runs: the part in a forked child (see above)."""
    return forked.run_one(part, *args)


def connect(address, timeout=CONNECT_TIMEOUT):
    """A distributed.Client of the scheduler at `address` that has a worker."""
    check_address(address)
    try:
        import distributed
    except ImportError:
        raise KernsimError("--cluster needs Dask distributed: install Debian's "
                           "python3-distributed") from None
    try:
        client = distributed.Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as e:
        raise KernsimError(f"cannot reach the Dask scheduler at {address}: {e}") from None
    try:
        client.wait_for_workers(1, timeout=timeout)
    except Exception:  # noqa: BLE001 - a timeout, whatever class this version raises
        client.close()
        raise KernsimError(f"the Dask scheduler at {address} has no worker "
                           f"(waited {timeout:g} s)") from None
    return client


def run_pool(address, next_call, on_result, at_once, timeout=CONNECT_TIMEOUT):
    """forked.run_pool's contract, each call a task on the cluster: up to
    `at_once` in flight, the scheduler placing them on its workers."""
    from distributed import as_completed
    client = connect(address, timeout)
    try:
        tags = {}  # future key -> tag
        pending = as_completed(loop=client.loop)

        def fill():
            while pending.count() < max(1, at_once):
                call = next_call()
                if call is None:
                    return
                tag, part, args = call
                f = client.submit(kernsim_part, part, tuple(args), pure=False)
                tags[f.key] = tag
                pending.add(f)

        try:
            fill()
            for f in pending:
                on_result(tags.pop(f.key), f.result())
                fill()
        except KernsimError:
            raise  # bad input a part met (a scenario error ...), or its child died
        except Exception as e:  # noqa: BLE001 - what the worker could not run
            hint = ""
            if isinstance(e, ImportError) or "kernsim" in str(e):
                hint = " (do the workers have this build's python/ on their PYTHONPATH?)"
            raise KernsimError(f"a task failed on the Dask cluster at {address}: "
                               f"{type(e).__name__}: {e}{hint}") from None
    finally:
        client.close()
