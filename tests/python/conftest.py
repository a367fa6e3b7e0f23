"""Fixtures only: where the repository is, and how to run the CLI. Tests run
as  PYTHONPATH=<build>/python KERNSIM_ROOT=<repo> /usr/bin/python3 -m pytest
tests/python"""

import os
import subprocess
import sys

import pytest

ROOT = os.environ.get("KERNSIM_ROOT") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def handshake():
    """Path of the shipped sample scenario script."""
    return os.path.join(ROOT, "scenarios", "sample", "handshake.py")


@pytest.fixture
def cli(tmp_path):
    """Runs `python3 -m kernsim ARGS...` in tmp_path (PYTHONPATH and
    KERNSIM_ROOT inherited); returns the CompletedProcess."""
    def run(*args, cwd=None, timeout=120):
        return subprocess.run([sys.executable, "-m", "kernsim", *map(str, args)],
                              cwd=cwd or tmp_path, capture_output=True, text=True,
                              timeout=timeout, env=dict(os.environ, KERNSIM_ROOT=ROOT))
    return run
