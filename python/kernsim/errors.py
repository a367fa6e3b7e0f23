"""Errors of kernsim's inputs. A driver bug is never one of these: it is a
Failure in a result. These are for broken scenarios, repros and arguments."""


class KernsimError(Exception):
    """A problem with what the user gave kernsim (exit status 2 in the CLI)."""


class ScenarioError(KernsimError):
    """A scenario script is broken: it raised, or yielded something that is
    not a system call."""


class ReproError(KernsimError):
    """A repro file is malformed or does not fit this build."""


class CheckFailed(AssertionError):
    """Raised by a scenario thread whose check of the driver's behaviour
    failed; it becomes a failure of kind 'scenario', like an assert."""
