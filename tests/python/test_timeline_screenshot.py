"""The timeline page as a person sees it: headless Chromium renders the
sample driver's lost wakeup (`kernsim show --html`), and the verdict is read
from the screenshot's pixels, not from the HTML: the early broadcast (a
wakeup-coloured box) sits above the late cv_wait (a sleep-coloured box),
each in its own thread's lane, both framed as the events the failure turns
on. A second shot, with the page's thread filter in its address, shows the
filter at work: the broadcast's lane is gone and the wait moves to the
first lane.

Deterministic: a fixed window and scale, exact fill and frame colours
(timeline.FILL, timeline.RACE) looked for only inside the boxes' columns,
whose x the page's geometry fixes; text and fonts only decide where the
SVG starts vertically, and the verdict compares the boxes' order, not
their height on the page."""

import os
import shutil
import subprocess

import pytest

import kernsim
from kernsim import sites, timeline

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (scripts/setup.sh installs Debian's "
    "chromium package)")
Image = pytest.importorskip("PIL.Image", reason="python3-pil is not installed (scripts/setup.sh)")

BODY_MARGIN = 12  # timeline._STYLE's body margin: where the SVG's x = 0 lands
REPRO = os.path.join("scenarios", "regressions", "sample-no_done_check.repro.txtpb")


def _rgb(hex_colour):
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def _shoot(page, png, width, height, fragment=""):
    p = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--force-device-scale-factor=1", "--no-first-run", "--disable-extensions",
         f"--user-data-dir={png.parent / 'chromium-profile'}", f"--window-size={width},{height}",
         f"--screenshot={png}", f"file://{page}{fragment}"],
        capture_output=True, text=True, timeout=60)
    assert png.exists(), (p.returncode, p.stderr[-2000:])
    return Image.open(png).convert("RGB")


def _frames(img, lane):
    """The boxes framed in RACE colour in lane `lane` (0-based): [(top row,
    the fill colour most of the frame's inside has)]."""
    pad = (timeline.LANE_W - timeline.BOX_W) // 2
    x0 = BODY_MARGIN + timeline.LEFT + lane * timeline.LANE_W + pad
    box = img.crop((x0, 0, x0 + timeline.BOX_W, img.height))
    w, px = box.width, list(box.getdata())
    red = _rgb(timeline.RACE)
    # A frame's top edge: a row that is mostly frame colour.
    edges = [y for y in range(box.height)
             if sum(1 for x in range(w) if px[y * w + x] == red) > w * 0.6]
    tops = [y for y in edges if y - 1 not in edges]
    out = []
    for t in tops:
        inside = {}
        for y in range(t + 4, t + timeline.BOX_H - 4):
            for x in range(4, w - 4):
                c = px[y * w + x]
                inside[c] = inside.get(c, 0) + 1
        out.append((t, max(inside, key=inside.get) if inside else None))
    # A frame's bottom edge starts a run of its own, a box's height below
    # its top: keep the tops (framed boxes are a row, ROW_H, apart or more).
    kept = []
    for f in out:
        if not kept or f[0] - kept[-1][0] > timeline.BOX_H + 2:
            kept.append(f)
    return kept


@pytest.fixture(scope="module")
def lost_wakeup(root, tmp_path_factory):
    repro = os.path.join(root, REPRO)
    got = kernsim.api.run_repro(kernsim.load_repro(repro), repro)
    assert got.kind == "stuck", got
    out = tmp_path_factory.mktemp("timeline")
    page = out / "lost_wakeup.html"
    r = subprocess.run([os.environ.get("PYTHON", "/usr/bin/python3"), "-m", "kernsim", "show",
                        repro, "--html", str(page)], capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, KERNSIM_ROOT=root))
    assert r.returncode == 0, r.stderr
    return got, page, out


def test_screenshot_shows_the_broadcast_before_the_wait(lost_wakeup):
    got, page, out = lost_wakeup
    early, late = sites.racing(got.trace, got)
    assert got.trace[early]["kind"] == "cv_broadcast" and got.trace[late]["kind"] == "cv_wait"
    tids = sorted({e["thread"] for e in got.trace})
    lane_b, lane_w = tids.index(got.trace[early]["thread"]), tids.index(got.trace[late]["thread"])
    assert lane_b != lane_w
    width = BODY_MARGIN * 2 + timeline.LEFT + len(tids) * timeline.LANE_W + 40
    height = 400 + len(got.trace) * timeline.ROW_H
    img = _shoot(page, out / "full.png", width, height)

    wake, sleep = _rgb(timeline.FILL["wakeup"]), _rgb(timeline.FILL["sleep"])
    in_b, in_w = _frames(img, lane_b), _frames(img, lane_w)
    assert [c for _, c in in_b] == [wake], in_b  # the broadcast, framed, in the waker's lane
    assert [c for _, c in in_w] == [sleep], in_w  # the wait, framed, in the sleeper's lane
    assert in_b[0][0] < in_w[0][0]                # the broadcast comes first: time goes down
    for lane in set(range(len(tids))) - {lane_b, lane_w}:
        assert _frames(img, lane) == []           # nothing else is framed


def test_the_thread_filter_in_the_address_hides_a_lane(lost_wakeup):
    got, page, out = lost_wakeup
    early, late = sites.racing(got.trace, got)
    sleeper = got.trace[late]["thread_name"]
    shown = sum(1 for e in got.trace if e["thread_name"] == sleeper)
    width = BODY_MARGIN * 2 + timeline.LEFT + 3 * timeline.LANE_W
    img = _shoot(page, out / "filtered.png", width, 400 + shown * timeline.ROW_H,
                 fragment=f"#threads={sleeper}")
    assert [c for _, c in _frames(img, 0)] == [_rgb(timeline.FILL["sleep"])]
    assert _frames(img, 1) == []  # the waker's lane (and every other) is gone
