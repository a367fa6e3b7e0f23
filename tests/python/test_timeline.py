"""`kernsim show --html`: the interleaving as a page, read back with the
standard HTML parser: a column per thread, a row per event with the event
in its thread's column, the failing thread and its last event marked, the
failure at the foot, and every name escaped."""

import html.parser
import os

import kernsim
from kernsim import timeline


class _Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.heads, self.rows, self.classes = [], [], []
        self.failure = ""
        self._cell = self._in = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self._cell = ""
            self.classes.append((tag, a.get("class", "")))
        elif tag == "div" and a.get("class") == "failure":
            self._in = "failure"

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            (self.rows[-1] if self.rows else self.heads).append(self._cell)
            self._cell = None
        elif tag == "div":
            self._in = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        if self._in == "failure":
            self.failure += data


def _parse(text):
    p = _Page()
    p.feed(text)
    return p


def test_show_html_is_the_interleaving(root, cli, tmp_path):
    repro = os.path.join(root, "scenarios", "regressions", "sample-no_done_check.repro.txtpb")
    out = tmp_path / "t.html"
    p = cli("show", repro, "--html", out)
    assert p.returncode == 0, p.stderr
    assert f"timeline written to {out}" in p.stdout
    page = _parse(out.read_text())
    got = kernsim.api.run_repro(kernsim.load_repro(repro), repro)
    names = {0: "<clock>"}  # the virtual clock's events have no thread
    for e in got.trace:
        names.setdefault(e["thread"], e["thread_name"])
    tids = sorted({e["thread"] for e in got.trace})
    header, body = page.rows[0], page.rows[1:]
    assert header[:2] == ["step", "time"]
    assert header[2:] == [names[t] for t in tids]
    assert len(body) == len(got.trace)
    for row, e in zip(body, got.trace):
        cells = row[2:]
        assert int(row[0]) == e["step"]
        filled = [i for i, c in enumerate(cells) if c]
        assert filled == [tids.index(e["thread"])], (row, e)
    assert got.kind in page.failure and got.signature in page.failure
    assert ("th", "failed") in page.classes
    assert sum(1 for tag, c in page.classes if tag == "td" and "last" in c.split()) == 1


def test_names_are_escaped():
    events = [{"step": 1, "thread": 1, "thread_name": "<t&1>", "kind": "mutex_enter",
               "object": "a<b", "a0": 0, "a1": 0, "result": 0, "vtime": 0}]
    f = kernsim.api.Failure("panic", "x", "bad <thing>", 1, "<t&1>", 0, "0x0", 1, 0, [], [])
    text = timeline.render(events, "t<i>tle", "w&hat", f)
    assert "<t&1>" not in text and "&lt;t&amp;1&gt;" in text
    page = _parse(text)
    assert page.rows[0][2:] == ["<t&1>"]
    assert page.rows[1][2] == "mutex_enter a<b"
    assert "bad <thing>" in page.failure


def test_a_passing_run_says_so(root):
    scn = kernsim.resolve(os.path.join(root, "scenarios", "sample", "handshake.py:submit"))
    f = kernsim.run(scn)
    assert f.kind == "pass"
    text = timeline.render(f.trace, "submit", "", f)
    assert "outcome: pass" in text and 'class="failure"' not in text


def test_show_filters_by_thread_and_steps(root, cli):
    repro = os.path.join(root, "scenarios", "regressions", "sample-no_done_check.repro.txtpb")
    p = cli("show", repro, "--thread", "client0", "--steps", "40:50")
    assert p.returncode == 0, p.stderr
    lines = [ln for ln in p.stdout.splitlines() if ln[:4].strip().isdigit()]
    assert lines and all(" client0 " in ln and 40 <= int(ln.split()[0]) <= 50 for ln in lines)
    assert "stuck at step" in p.stdout  # the failure is shown whatever the filter
    bad = cli("show", repro, "--thread", "nobody")
    assert bad.returncode == 2 and "no such thread" in bad.stderr
    assert cli("show", repro, "--steps", "9:3").returncode == 2


def test_a_dfs_stopped_by_its_budget_says_so(handshake, cli):
    p = cli("explore", f"{handshake}:submit_program", "--strategy", "dfs", "--bound", "3",
            "--runs", "300", "--quiet")
    assert p.returncode == 0, p.stderr
    assert "stopped by 300 executions: not exhaustive" in p.stdout
    assert "raise --runs or --time" in p.stdout
