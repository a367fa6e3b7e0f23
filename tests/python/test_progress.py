"""Progress of long commands: plain lines in a log (a pipe), a live line
with rate and ETA on a terminal, and a summary when Ctrl-C stops one."""

import os
import pty
import re
import signal
import subprocess
import sys

from kernsim import progress

ROOT = os.environ.get("KERNSIM_ROOT") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))
PROGRAM = os.path.join(ROOT, "scenarios", "sample", "handshake.py") + ":submit_program"


def _kernsim(*args, **kw):
    return subprocess.Popen([sys.executable, "-m", "kernsim", *args],
                            env=dict(os.environ, KERNSIM_ROOT=ROOT, TERM="xterm"), **kw)


def test_bounds_give_fraction_and_eta():
    p = progress.Progress("x", total=1000, quiet=True)
    p.t0 -= 10.0  # ten seconds in (host time only feeds what is displayed)
    p.update(250)
    assert abs(p.fraction() - 0.25) < 0.01
    assert 29 < p.eta() < 31  # 750 more at 25/s
    q = progress.Progress("x", total=10 ** 9, seconds=20, quiet=True)
    q.t0 -= 10.0
    q.update(100)
    assert 9 < q.eta() <= 10 and 0.49 < q.fraction() < 0.51  # the time bound ends it first
    assert progress.Progress("x", quiet=True).fraction() is None
    assert "100 runs in 10." in q.summary()


def test_a_terminal_gets_a_live_line_with_rate_and_eta(tmp_path):
    master, slave = pty.openpty()
    proc = _kernsim("explore", PROGRAM, "--strategy", "random", "--runs", "3000",
                    "--progress-every", "500", cwd=tmp_path, stdout=subprocess.PIPE,
                    stderr=slave)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        seen += chunk
    out, _ = proc.communicate(timeout=120)
    os.close(master)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", seen.decode(errors="replace"))
    assert proc.returncode == 0, text
    assert re.search(r"3,000/3,000 runs\s+[\d,]+/s\s+ETA 0:00", text), text
    assert "distinct interleavings" in text
    assert b"no failure in 3000 runs" in out


def test_ctrl_c_prints_a_summary(tmp_path):
    proc = _kernsim("explore", PROGRAM, "--strategy", "random", "--runs", "100000000",
                    "--progress-every", "2000", cwd=tmp_path, stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        assert "distinct interleavings" in line, line
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    m = re.search(r"kernsim explore: interrupted after ([\d,]+) runs in [\d.]+ s \(([\d,]+) "
                  r"runs/s\), [\d,]+ distinct interleavings; no failure found", err)
    assert m and int(m.group(1).replace(",", "")) >= 2000, err


def test_time_bounds_a_split_campaign(tmp_path):
    # --time with --jobs for random/PCT: every part stops at the bound (they
    # run at once), and the summary says the bound stopped it.
    proc = _kernsim("explore", PROGRAM, "--strategy", "pct", "--jobs", "2", "--runs",
                    "100000000", "--time", "0.5", "--quiet", cwd=tmp_path,
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "(stopped at the 0.5 s time bound)" in out and "no failure in" in out
    runs = int(re.search(r"jobs=2 runs=(\d+) ", out).group(1))
    assert 0 < runs < 100000000


def test_a_split_campaign_reports_as_its_chunks_come_back(tmp_path):
    # --jobs for random/PCT: the seed space goes out in chunks (up to 8 per
    # process), and a plain line comes as each comes back, counting up.
    proc = _kernsim("explore", PROGRAM, "--strategy", "pct", "--jobs", "2", "--runs", "40000",
                    cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    seen = [int(x) for x in re.findall(r"kernsim: (\d+) runs, <= \d+ distinct", err)]
    assert len(seen) == 16 and seen == sorted(seen) and seen[-1] == 40000, err
    assert "jobs=2 runs=40000 " in out


def test_a_split_campaign_stops_at_the_same_first_failure(tmp_path):
    # Chunks after a failure found do not start; the first failure is the
    # lowest-index one, as with one process.
    from kernsim import parallel
    import kernsim
    scn = kernsim.resolve(PROGRAM)
    one = parallel.explore_parallel(scn, jobs=1, strategy="random", runs=200000, seed=3,
                                    variant="no_done_check")
    many = parallel.explore_parallel(scn, jobs=2, strategy="random", runs=200000, seed=3,
                                     variant="no_done_check")
    assert one.failure is not None
    assert (many.failure.execution, many.failure.hash) == (one.failure.execution,
                                                           one.failure.hash)
    assert many.runs < 200000
