"""`kernsim rerecord`: a repro whose schedule no longer reaches its bug (as
after an intended change to a driver) gets the same failure recorded again,
by its campaign or by a bounded search; a bug that is gone is exit status 1
and the file is left alone."""

import os
import shutil

from kernsim import api
from kernsim import repro as repro_io


def _stale_copy(root, tmp_path, name, edit):
    src = os.path.join(root, "scenarios", "regressions", name)
    path = str(tmp_path / name)
    shutil.copy(src, path)
    r = repro_io.load(path)
    r.scenario.module = os.path.join(root, r.scenario.module)
    # The change: the recorded schedule no longer fits (every pick is thread 1).
    for d in r.schedule.decision:
        d.thread = 1
    edit(r)
    repro_io.save(r, path)
    assert not api.replay(path).matched
    return path, r


def test_campaign_found_repro_is_found_again(cli, root, tmp_path):
    path, old = _stale_copy(root, tmp_path, "sample-no_done_check.repro.txtpb", lambda r: None)
    p = cli("rerecord", path)
    assert p.returncode == 0, p.stderr
    assert "found again by pct campaign" in p.stdout
    rr = api.replay(path)
    assert rr.matched, rr.mismatches
    assert (rr.repro.expected.kind, rr.repro.expected.signature) == \
        (old.expected.kind, old.expected.signature)
    assert cli("rerecord", path).stdout.endswith("unchanged\n")


def test_repro_without_a_campaign_is_searched_again(cli, root, tmp_path):
    def no_campaign(r):
        r.found_by.name = ""
    path, old = _stale_copy(root, tmp_path, "sample-no_done_check.repro.txtpb", no_campaign)
    p = cli("rerecord", path, "--bound", "2")
    assert p.returncode == 0, p.stderr
    assert "bounded search" in p.stdout
    assert api.replay(path).matched


def test_a_fixed_bug_is_not_rerecorded(cli, root, tmp_path):
    def fixed(r):
        r.variant = "none"
    path, _ = _stale_copy(root, tmp_path, "sample-no_done_check.repro.txtpb", fixed)
    before = open(path).read()
    p = cli("rerecord", path, "--runs", "2000")
    assert p.returncode == 1
    assert "no longer fails" in p.stderr
    assert open(path).read() == before
