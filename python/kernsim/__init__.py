"""kernsim: a deterministic kernel simulator for driver concurrency bugs.

    import kernsim
    from kernsim import sys

    @kernsim.scenario(driver="sample")
    def submit(w):
        w.spawn("client", client())

    result = kernsim.explore(submit, strategy="pct", runs=10000, variant="no_done_check")
"""

from . import sys  # noqa: F401  (kernsim.sys: the system calls threads yield)
from .api import (ExploreResult, Failure, ReplayResult, drivers, explore, make_repro,  # noqa: F401
                  replay, run, run_repro)
from .errors import CheckFailed, KernsimError, ReproError, ScenarioError  # noqa: F401
from .repro import load as load_repro, save as save_repro  # noqa: F401
from .scenario import Scenario, World, program_scenario, resolve, scenario  # noqa: F401
from .api import SearchResult, load_checkpoint, save_checkpoint, search  # noqa: F401,E402
from .api import set_hang_limit  # noqa: F401,E402
