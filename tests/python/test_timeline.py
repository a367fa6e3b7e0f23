"""`kernsim show --html`: the timeline page, read back with the standard
HTML parser: a lane per thread, a box per event in its thread's lane and in
step order, its source line in its tooltip, an arrow from each wakeup to the
thread it woke, the preemptions, the two racing events and the failing one
marked, the filters, the failure at the foot, and every name escaped. (What
it looks like is tests/python/test_timeline_screenshot.py's.)"""

import html.parser
import os

import kernsim
from kernsim import sites, timeline


class _Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.lanes, self.events, self.links, self.filters = [], [], [], []
        self.failure = ""
        self._ev = self._lane = self._in = None
        self.external = []  # anything the page would fetch

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ("src", "href"):
            if a.get(k) and not a[k].startswith("#"):
                self.external.append(a[k])
        cls = (a.get("class") or "").split()
        if tag == "g" and "lanehead" in cls:
            self._lane = {"t": int(a["data-t"]), "name": ""}
            self.lanes.append(self._lane)
        elif tag == "g" and "ev" in cls:
            self._ev = {"i": int(a["data-i"]), "t": int(a["data-t"]),
                        "step": int(a["data-step"]), "cls": cls, "title": "", "label": ""}
            self.events.append(self._ev)
        elif tag == "path" and "link" in cls:
            self.links.append((cls[1], int(a["data-from"]), int(a["data-to"])))
        elif tag == "input" and "thr" in cls:
            self.filters.append(a["data-name"])
        elif tag == "title" and self._ev is not None:
            self._in = "title"
        elif tag == "text" and self._lane is not None:
            self._in = "lane"
        elif tag == "text" and self._ev is not None and "step" not in cls:
            self._in = "label"
        elif tag == "div" and a.get("class") == "failure":
            self._in = "failure"

    def handle_endtag(self, tag):
        if tag == "g":
            self._ev = self._lane = None
        if tag in ("title", "text", "div"):
            self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self._ev["title"] += data
        elif self._in == "label":
            self._ev["label"] += data
        elif self._in == "lane":
            self._lane["name"] += data
        elif self._in == "failure":
            self.failure += data


def _parse(text):
    p = _Page()
    p.feed(text)
    return p


def test_show_html_is_the_timeline(root, cli, tmp_path):
    repro = os.path.join(root, "scenarios", "regressions", "sample-no_done_check.repro.txtpb")
    out = tmp_path / "t.html"
    p = cli("show", repro, "--html", out)
    assert p.returncode == 0, p.stderr
    assert f"timeline written to {out}" in p.stdout
    page = _parse(out.read_text())
    assert page.external == []  # self-contained
    got = kernsim.api.run_repro(kernsim.load_repro(repro), repro)
    names = {0: "<clock>"}  # the virtual clock's events have no thread
    for e in got.trace:
        names.setdefault(e["thread"], e["thread_name"])
    tids = sorted({e["thread"] for e in got.trace})
    assert [ln["t"] for ln in page.lanes] == tids
    assert [ln["name"] for ln in page.lanes] == [names[t] for t in tids]
    assert page.filters == [names[t] for t in tids]
    assert [(v["t"], v["step"]) for v in page.events] == \
        [(e["thread"], e["step"]) for e in got.trace]
    for v, e in zip(page.events, got.trace):
        if e["kind"].startswith("syscall"):  # a system call by what it is
            assert v["label"].split("(")[0].split(" =")[0] in ("open", "mmap", "ioctl", "close")
        else:
            assert v["label"].startswith(e["kind"])
    assert "ioctl(fd=0, SAMPLE_SUBMIT)" in [v["label"] for v in page.events]
    # Source lines on hover: the driver's calls (the client's cv_wait too).
    at = [v for v in page.events if "\nat sample.c:" in v["title"]]
    assert len(at) > len(page.events) // 4
    early, late = sites.racing(got.trace, got)
    assert "at sample.c:" in page.events[late]["title"]
    assert " in sample_" in page.events[late]["title"]
    # An arrow from each wakeup to the thread it woke; none from a broadcast
    # that woke nobody (the lost wakeup).
    wakes = [(i, j) for kind, i, j in page.links if kind == "wakearrow"]
    assert wakes == sites.wakeups(got.trace) and wakes
    for i, j in wakes:
        assert got.trace[i]["kind"] == "wake" and got.trace[j]["thread"] == got.trace[i]["a1"]
    assert early not in [i for i, _ in wakes]
    assert [(i, j) for kind, i, j in page.links if kind == "preempt"] == \
        sites.preemptions(got.trace)
    race = [v["i"] for v in page.events if "race" in v["cls"]]
    assert race == [early, late]
    assert got.trace[early]["kind"] == "cv_broadcast" and got.trace[late]["kind"] == "cv_wait"
    assert [v["i"] for v in page.events if "failed" in v["cls"]] == [late]
    assert got.kind in page.failure and got.signature in page.failure
    assert "the failure turns on:" in page.failure and "cv_wait at sample.c:" in page.failure


def test_names_are_escaped():
    events = [{"step": 1, "thread": 1, "thread_name": "<t&1>", "kind": "mutex_enter",
               "object": "a<b", "a0": 0, "a1": 0, "result": 0, "vtime": 0}]
    f = kernsim.api.Failure("panic", "x", "bad <thing>", 1, "<t&1>", 0, "0x0", 1, 0, [], [])
    text = timeline.render(events, "t<i>tle", "w&hat", f)
    assert "<t&1>" not in text and "&lt;t&amp;1&gt;" in text
    page = _parse(text)
    assert [ln["name"] for ln in page.lanes] == ["<t&1>"]
    assert page.events[0]["label"] == "mutex_enter a<b"
    assert "bad <thing>" in page.failure


def test_a_passing_run_says_so(root):
    scn = kernsim.resolve(os.path.join(root, "scenarios", "sample", "handshake.py:submit"))
    f = kernsim.run(scn)
    assert f.kind == "pass"
    text = timeline.render(f.trace, "submit", "", f)
    assert "outcome: pass" in text and 'class="failure"' not in text
    assert "race" not in {c for v in _parse(text).events for c in v["cls"]}


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
