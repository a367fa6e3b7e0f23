"""kernsim: a deterministic kernel simulator for driver concurrency bugs.

    import kernsim
    from kernsim import sys

    @kernsim.scenario(driver="sample")
    def submit(w):
        w.spawn("client", client())

    result = kernsim.explore(submit, strategy="pct", runs=10000, variant="no_done_check")
"""

import os as _os
import sys as _sys

# Driver modules (shared objects, dlopen'ed by the simulator) resolve the
# kernel API against this extension, which exports it: load it with
# RTLD_GLOBAL so its symbols are visible to them.
_flags = _sys.getdlopenflags()
_sys.setdlopenflags(_flags | _os.RTLD_GLOBAL)
try:
    from . import _core  # noqa: F401
finally:
    _sys.setdlopenflags(_flags)

from . import sys  # noqa: F401,E402  (kernsim.sys: the system calls threads yield)
from .api import (ExploreResult, Failure, ReplayResult, drivers, explore,  # noqa: F401
                  replay, run, run_repro)
from .errors import CheckFailed, KernsimError, ReproError, ScenarioError  # noqa: F401
from .repro import load as load_repro, save as save_repro  # noqa: F401
from .scenario import (Scenario, World, program_call, program_scenario, resolve,  # noqa: F401
                       scenario, scenario_of)
from .api import SearchResult, load_checkpoint, save_checkpoint, search  # noqa: F401,E402
from .api import set_hang_limit  # noqa: F401,E402
from .ioctls import ioctls  # noqa: F401,E402
