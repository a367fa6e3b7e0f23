"""Scenarios: what a user writes. A scenario is a function that sets up one
World (processes, files, threads whose bodies are generators of system
calls), declared with @scenario naming the driver it exercises. kernsim
calls it once per execution, on a fresh World, with the bug variant the
campaign selected already loaded.

A Program scenario (@program_scenario) returns a kernsim_pb2.Program
instead; its executions then run entirely in C++.
"""

import copy
import importlib.util
import inspect
import os
import sys

from .errors import ScenarioError


class World:
    """The World a scenario function sets up (valid only while it runs)."""

    def __init__(self, core_world):
        self._w = core_world

    def proc(self, name, model="lp64", uid=0, gid=None):
        """A process; model 'lp64' or 'ilp32' (a 32-bit caller); its group
        `gid`, by default the uid's number (its own group)."""
        self._w.proc(name, model, uid, gid)
        return name

    def file(self, path, size=0, data=b"", readonly=False):
        """An in-memory backing file."""
        self._w.file(path, max(size, len(data)), bytes(data), readonly)
        return path

    def map(self, length, data=b"", prot=3, proc="user"):
        """Maps user memory in a process before any thread runs (zero-filled,
        then `data` at its start); returns the user address."""
        self._default_proc(proc)
        return self._w.map(proc, length, prot, bytes(data))

    def _default_proc(self, proc):
        if proc == "user" and not self._w.has_proc("user"):
            self._w.proc("user", "lp64", 0, None)

    def spawn(self, name, gen, proc="user"):
        """A user thread whose body is a generator yielding kernsim.sys calls."""
        self._default_proc(proc)
        self._w.spawn(name, gen, proc)

    def load_driver(self, name, variant="none", conf="", minor_perm=()):
        """Loads another driver too; `conf` its driver.conf(5) text (part of
        this script, so a replay runs it again); `minor_perm` its nodes'
        permissions (illumos, see minor_perm)."""
        self._w.load_driver(name, variant, conf, "", list(minor_perm))

    def minor_perm(self, driver, entries):
        """An illumos driver's node permissions, as the administrator's
        /etc/minor_perm gives them: entries "minor-name mode owner group"
        ("* 0666 root sys"; '*' matches any run of characters, the first
        match wins). Without one a node is devfs's default, 0600 root sys,
        which only root opens. Applies to the nodes made after the call."""
        self._w.minor_perm(driver, list(entries))


class Scenario:
    def __init__(self, fn, driver, program=False, doc=None, ranges=None, src=None, conf=None,
                 conf_file=None):
        self.fn = fn
        # {param: (min, max)}: the values the scenario accepts, checked
        # before it runs (a bad --param is an error, not a strange run).
        self.ranges = dict(ranges or {})
        self.name = fn.__name__
        self.program = program
        self.doc = doc or inspect.getdoc(fn) or ""
        src = src or inspect.getsourcefile(fn)
        self.module_file = os.path.abspath(src or "")
        # (a scenario typed at a prompt has no file: its paths are the cwd's)
        base = os.path.dirname(self.module_file) if src else os.getcwd()
        self.driver = driver_spec(driver, base)
        if conf is not None and conf_file is not None:
            raise ScenarioError(f"scenario {self.name}: give conf (the text) or conf_file "
                                "(a file), not both")
        if conf is not None and not isinstance(conf, str):
            raise ScenarioError(f"scenario {self.name}: conf must be driver.conf text, "
                                f"not {type(conf).__name__}")
        self._conf = conf
        self._conf_file = (os.path.normpath(os.path.join(base, conf_file))
                           if conf_file is not None else None)
        self._conf_found = None

    def driver_conf(self):
        """(text, file) of the driver's configuration file (illumos
        driver.conf(5)): the scenario's conf= text, else its conf_file=, else
        <driver>.conf beside the driver's module when there is one (as
        /kernel/drv/<driver>.conf beside the module on illumos); ("", "")
        for none. conf="" says none even when the file exists. Read once."""
        if self._conf_found is None:
            if self._conf is not None:
                self._conf_found = (self._conf,
                                    f"conf= of scenario {self.name}" if self._conf else "")
            elif self._conf_file is not None:
                self._conf_found = (_read_conf(self._conf_file, self.name), self._conf_file)
            else:
                path = beside_module_conf(self.driver)
                self._conf_found = (_read_conf(path, self.name), path) if path else ("", "")
        return self._conf_found

    def __repr__(self):
        return f"<scenario {self.name} of driver {self.driver}>"

    def with_conf(self, text, file):
        """This scenario with its driver.conf pinned to (text, file) (a
        repro's recorded one)."""
        pinned = copy.copy(self)
        pinned._conf_found = (text, file)
        return pinned

    def check_params(self, params):
        """Refuses a parameter the scenario declares a range for and that is
        outside it (or not a number)."""
        for k, v in (params or {}).items():
            if k not in self.ranges:
                continue
            lo, hi = self.ranges[k]
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi:
                raise ScenarioError(f"scenario {self.name}: parameter {k}={v!r} is outside "
                                    f"its range {lo}..{hi}")


def _read_conf(path, scenario):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise ScenarioError(f"scenario {scenario}: driver.conf {path}: {e.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ScenarioError(f"scenario {scenario}: driver.conf {path}: not text "
                            f"(byte {e.start} is not UTF-8)") from None


def beside_module_conf(driver):
    """<module dir>/<registered name>.conf for the module `driver` names, if
    that file exists; None otherwise (or when the module cannot be opened:
    loading it says why)."""
    from . import _core
    try:
        info = _core.module_info(driver, "", False)
    except ValueError:
        return None
    path = os.path.join(os.path.dirname(info["path"]), info["name"] + ".conf")
    return path if os.path.isfile(path) else None


def is_module_path(driver):
    """A module file rather than a registered name (as module_spec_is_path
    in kernel_model/module.cc decides)."""
    return "/" in driver or driver.endswith(".so")


def driver_spec(driver, base_dir):
    """A driver is a registered name ("lofi") or a module file ("mydrv.so",
    "build/mydrv.so"); a relative file is relative to the scenario script, so
    the scenario runs from any directory."""
    if not isinstance(driver, str) or not driver:
        raise ScenarioError(f"a scenario's driver must be a name or a module path, not {driver!r}")
    if is_module_path(driver) and not os.path.isabs(driver):
        return os.path.normpath(os.path.join(base_dir, driver))
    return driver


def scenario(driver, ranges=None, conf=None, conf_file=None):
    """Declares a Python scenario of `driver` (a registered name, or a
    module's path relative to this script): fn(world, **params). `ranges`:
    {param: (min, max)} of the parameters that have one. An illumos
    driver's driver.conf(5): `conf` its text, or `conf_file` a file
    (relative to this script); neither: <driver>.conf beside the module,
    if any (Scenario.driver_conf)."""
    def wrap(fn):
        return Scenario(fn, driver, ranges=ranges, conf=conf, conf_file=conf_file)
    return wrap


def scenario_of(body, driver, name, ranges=None, conf=None, conf_file=None):
    """The scenario `name`: body(world, **params) on `driver`, so that one
    body serves several builds (a driver's bug twins, its race build).
    Bind it at module level under `name`: a repro finds a scenario by name
    in the script that declared it, which is the caller's."""
    def fn(w, **params):
        return body(w, **params)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = body.__doc__
    return Scenario(fn, driver, ranges=ranges, src=sys._getframe(1).f_code.co_filename,
                    conf=conf, conf_file=conf_file)


def program_scenario(driver, ranges=None, conf=None, conf_file=None):
    """Declares a Program scenario: fn(**params) returns a kernsim_pb2.Program.
    `conf`/`conf_file` as for scenario(): the text goes into the Program's
    entry for `driver` (ProgDriver.conf) unless the Program sets its own."""
    def wrap(fn):
        return Scenario(fn, driver, program=True, ranges=ranges, conf=conf, conf_file=conf_file)
    return wrap


def program_call(thread, op, *args, path="", data=b"", out="", expect=None):
    """Adds one call to a Program thread (a kernsim_pb2.ProgThread) and
    returns it: each argument a number, a result's name, or (name, offset);
    `expect` a result to check (a value, or -errno)."""
    c = thread.call.add(op=op, path=path, data=data, out=out)
    for a in args:
        if isinstance(a, tuple):
            c.arg.add(ref=a[0], offset=a[1])
        elif isinstance(a, str):
            c.arg.add(ref=a)
        else:
            c.arg.add(value=a)
    if expect is not None:
        c.expect = expect
    return c


def load_module(path):
    """Imports a scenario script by path; errors name the file."""
    if not os.path.isfile(path):
        raise ScenarioError(f"scenario script {path} does not exist")
    name = "kernsim_scenario_" + os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ScenarioError(f"scenario script {path} is not a Python script "
                            "(its name must end in .py)")
    mod = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(mod)
    except (Exception, SystemExit) as e:  # the script itself is broken
        # SystemExit too: a script's sys.exit() must not decide kernsim's
        # exit status (0, 1, 2 and 130 mean what cli.py says).
        raise ScenarioError(f"scenario script {path} failed to import: "
                            f"{type(e).__name__}: {e}") from None
    return mod


def scenarios_in(mod):
    return {v.name: v for v in vars(mod).values() if isinstance(v, Scenario)}


def resolve(spec):
    """'path/to/file.py' or 'path/to/file.py:name' -> Scenario."""
    path, _, name = spec.partition(":")
    mod = load_module(path)
    found = scenarios_in(mod)
    if not found:
        raise ScenarioError(f"{path} declares no scenario (use @kernsim.scenario)")
    if not name:
        if len(found) > 1:
            raise ScenarioError(f"{path} declares several scenarios ({', '.join(sorted(found))}): "
                                f"say which, as {path}:NAME")
        return next(iter(found.values()))
    if name not in found:
        raise ScenarioError(f"{path} has no scenario '{name}' (it has: {', '.join(sorted(found))})")
    return found[name]
