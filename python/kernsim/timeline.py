"""An execution as a page to look at (`kernsim show --html FILE`): one
column per thread, one row per event in step order, each event coloured by
what it is (a lock, a sleep or wake, a system call, memory, a callout or
task), the virtual time where it moves, the thread that failed and its
last event marked, the failure at the foot. One self-contained HTML file:
no script, no fetches, so it opens anywhere and can be kept as a CI
artifact. Event text is show.describe's, so the page and `kernsim show`
say the same things."""

import html

from . import show

# Which colour an event gets: the first prefix that matches its kind.
_CLASSES = (
    ("sync", ("mutex", "rw_", "sema", "cv_")),
    ("sleep", ("block", "wake", "interrupted", "timedout", "delay")),
    ("call", ("syscall",)),
    ("mem", ("kmem", "copy", "user_mem", "vnode_io", "access")),
    ("async", ("taskq", "callout", "timeout", "untimeout", "clock")),
    ("life", ("thread_", "modload", "minor_node", "instance_state")),
)

_STYLE = """
body{font:13px/1.35 system-ui,sans-serif;margin:1.2em;color:#1d2430}
h1{font-size:1.15em;margin:0 0 .3em} p.what{margin:.2em 0 1em;color:#4b5563}
table{border-collapse:collapse} th,td{padding:2px 8px;vertical-align:top;text-align:left}
thead th{position:sticky;top:0;background:#eef1f5;border-bottom:2px solid #c7ced9}
td.step{color:#8a94a6;text-align:right;font-variant-numeric:tabular-nums}
td.time{color:#8a94a6;white-space:nowrap}
td.ev{white-space:nowrap;border-radius:3px}
.sync{background:#dbeafe}.sleep{background:#fde68a}.call{background:#e5e7eb}
.mem{background:#dcfce7}.async{background:#ede9fe}.life{background:#f3f4f6}
.other{background:#fff}
th.failed{color:#b91c1c} td.last{outline:2px solid #b91c1c}
div.failure{margin-top:1em;padding:.6em .8em;border-left:4px solid #b91c1c;background:#fef2f2;
 white-space:pre-wrap;font-family:ui-monospace,monospace}
div.pass{margin-top:1em;padding:.6em .8em;border-left:4px solid #15803d;background:#f0fdf4}
"""


def _class(kind):
    for cls, prefixes in _CLASSES:
        if any(kind.startswith(p) for p in prefixes):
            return cls
    return "other"


def render(events, title, what="", failure=None):
    """The page: `events` as show.render takes them, `title` and `what` (a
    line saying what ran) at the top, `failure` an api.Failure or None."""
    events = list(events)
    names = show._names(events)
    tids = show._threads(events)
    col = {t: i for i, t in enumerate(tids)}
    failed_tid = None
    if failure is not None and failure.kind != "pass" and failure.thread:
        failed_tid = next((t for t in tids if names[t] == failure.thread), None)
    last_of_failed = None
    if failed_tid is not None:
        for i, e in enumerate(events):
            if show._get(e, "thread") == failed_tid:
                last_of_failed = i

    esc = html.escape
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>{esc(title)}</title><style>{_STYLE}</style></head><body>",
           f"<h1>{esc(title)}</h1>"]
    if what:
        out.append(f'<p class="what">{esc(what)}</p>')
    out.append("<table><thead><tr><th>step</th><th>time</th>")
    for t in tids:
        cls = ' class="failed"' if t == failed_tid else ""
        out.append(f"<th{cls}>{esc(names[t])}</th>")
    out.append("</tr></thead><tbody>")
    prev, last_t = {}, None
    for i, e in enumerate(events):
        tid = show._get(e, "thread")
        kind, obj, d = show.describe(e, names, prev.get(tid))
        prev[tid] = e
        vt = show._get(e, "vtime")
        when = show._fmt_time(vt) if vt != last_t else ""
        last_t = vt
        cells = ["<td></td>"] * len(tids)
        text = " ".join(x for x in (kind, obj, d) if x)
        cls = _class(kind) + (" last" if i == last_of_failed else "")
        cells[col[tid]] = f'<td class="ev {cls}" title="{esc(text)}">{esc(text)}</td>'
        out.append(f'<tr><td class="step">{show._get(e, "step")}</td>'
                   f'<td class="time">{esc(when)}</td>{"".join(cells)}</tr>')
    out.append("</tbody></table>")
    if failure is None or failure.kind == "pass":
        out.append('<div class="pass">outcome: pass (no failure)</div>')
    else:
        out.append(f'<div class="failure">{esc(failure.kind)} at step {failure.step} in thread '
                   f'{esc(failure.thread or "-")}:\n{esc(failure.message)}\n\nsignature: '
                   f'{esc(failure.signature)}</div>')
    out.append("</body></html>")
    return "\n".join(out) + "\n"
