"""An execution as a page to look at (`kernsim show FILE --html OUT.html`).

One lane per thread, time going down: each event is a box in its thread's
lane, one row per event in step order, coloured by what it is (a wakeup, a
sleep, a lock, a system call, memory, a callout or task), its full text and
source line on hover. Arrows go from a wakeup or signal to the thread it
woke; a dashed orange link marks each preemption (the thread could have gone
on, another ran); the two events the failure turns on (sites.racing) have a
red frame; the failing event is marked and the failure is at the foot.

One self-contained HTML file (inline SVG, CSS and a little script; no
fetches), so it opens anywhere and can be kept as a CI artifact. The layout
is made here, in Python: the page reads the same without its script, whose
only job is the filters (threads shown, step range; also taken from the
address, `page.html#threads=a,b&steps=10:40`), re-laying the shown events
out with the same geometry. Event text is show.describe's, so the page and
`kernsim show` say the same things.
"""

import html
import json

from . import show, sites

# Geometry (px), shared with the page's script and the screenshot test.
LEFT = 64       # the step gutter
LANE_W = 200    # one thread's lane
BOX_W = 184     # an event's box, centred in its lane
TOP = 34        # lane headers
ROW_H = 20      # one event
BOX_H = 16

# Fills of the event classes (show.event_class): exact colours, so that a
# screenshot can be read back (tests/python/test_timeline_screenshot.py).
FILL = {"wakeup": "#f59e0b", "sleep": "#7c3aed", "sync": "#bfdbfe", "call": "#e5e7eb",
        "mem": "#bbf7d0", "async": "#ddd6fe", "life": "#f3f4f6", "other": "#ffffff"}
INK = {"wakeup": "#1f1300", "sleep": "#ffffff"}  # text on the dark fills; else dark
RACE = "#dc2626"     # the racing events' frame, the failure's mark
PREEMPT = "#ea580c"  # a preemption's link
ARROW = "#0f766e"    # a wakeup's arrow

_STYLE = """
body{font:13px/1.35 system-ui,sans-serif;margin:12px;color:#1d2430;background:#fff}
h1{font-size:15px;margin:0 0 4px} p.what{margin:2px 0 8px;color:#4b5563}
form{margin:0 0 8px;display:flex;flex-wrap:wrap;gap:4px 14px;align-items:center}
form label{white-space:nowrap} form input[type=number]{width:6em}
.legend{margin:0 0 8px;color:#4b5563} .legend span{display:inline-block;padding:0 6px;
 margin-right:6px;border-radius:3px}
svg{display:block} svg text{font:11px ui-monospace,monospace;pointer-events:none}
svg .lane{fill:#fafbfc} svg .lane.alt{fill:#f1f4f8}
svg .head{font:bold 12px system-ui,sans-serif;fill:#1d2430}
svg .head.failed{fill:#b91c1c}
svg .step{fill:#8a94a6} svg .time{fill:#8a94a6}
svg g.ev rect{stroke:#64748b;stroke-width:.6}
svg g.ev.race rect{stroke:%(race)s;stroke-width:3}
svg g.ev:hover rect{stroke:#111;stroke-width:2}
svg .wakearrow{stroke:%(arrow)s;stroke-width:1.6;fill:none}
svg .preempt{stroke:%(preempt)s;stroke-width:1.6;stroke-dasharray:4 3;fill:none}
svg .failmark{fill:%(race)s}
div.failure{margin-top:10px;padding:8px 10px;border-left:4px solid #b91c1c;background:#fef2f2;
 white-space:pre-wrap;font-family:ui-monospace,monospace}
div.pass{margin-top:10px;padding:8px 10px;border-left:4px solid #15803d;background:#f0fdf4}
""" % {"race": RACE, "arrow": ARROW, "preempt": PREEMPT}

# The filters: hide what is filtered out, then lay the rest out again with
# the geometry above (rows and lanes close up), arrows and links following
# their events, and drop those whose end is hidden.
_SCRIPT = """
(function(){
var G=%(geom)s, svg=document.getElementById('tl');
var evs=[].slice.call(svg.querySelectorAll('g.ev'));
var lanes=[].slice.call(svg.querySelectorAll('g.lanehead'));
var links=[].slice.call(svg.querySelectorAll('.link'));
var boxes=[].slice.call(document.querySelectorAll('input.thr'));
var lo=document.getElementById('from'), hi=document.getElementById('to');
function apply(){
  var on={}; boxes.forEach(function(b){on[b.value]=b.checked;});
  var a=lo.value===''?-Infinity:+lo.value, b=hi.value===''?Infinity:+hi.value;
  var col={}, n=0;
  lanes.forEach(function(l){var t=l.getAttribute('data-t');
    if(on[t]){col[t]=n++;l.style.display='';
      l.setAttribute('transform','translate('+(G.left+col[t]*G.lane)+',0)');}
    else l.style.display='none';});
  var row=0, pos={};
  evs.forEach(function(e){var t=e.getAttribute('data-t'), s=+e.getAttribute('data-step');
    var show=on[t]&&s>=a&&s<=b; e.style.display=show?'':'none';
    if(show){pos[e.getAttribute('data-i')]=[col[t],row];
      e.setAttribute('transform','translate('+(G.left+col[t]*G.lane)+','+(G.top+row*G.row)+')');
      e.querySelector('text.step').setAttribute('x',-col[t]*G.lane-6);
      row++;}});
  links.forEach(function(k){var p=pos[k.getAttribute('data-from')], q=pos[k.getAttribute('data-to')];
    if(!p||!q){k.style.display='none';return;} k.style.display='';
    k.setAttribute('d',path(p,q,k.getAttribute('class').indexOf('preempt')>=0));});
  svg.setAttribute('width',G.left+Math.max(n,1)*G.lane+16);
  svg.setAttribute('height',G.top+Math.max(row,1)*G.row+16);
  document.querySelectorAll('rect.lane').forEach(function(r){
    r.setAttribute('height',Math.max(row,1)*G.row+8);});
}
function path(p,q,dashed){
  var x1=G.left+p[0]*G.lane+G.pad+(q[0]>=p[0]?G.box:0), y1=G.top+p[1]*G.row+G.bh/2;
  var x2=G.left+q[0]*G.lane+G.pad+(q[0]>p[0]?0:G.box), y2=G.top+q[1]*G.row+G.bh/2;
  if(p[0]===q[0]){var bx=x1+14; return 'M'+x1+','+y1+' C'+bx+','+y1+' '+bx+','+y2+' '+x2+','+y2;}
  return 'M'+x1+','+y1+' L'+x2+','+y2;
}
function fromHash(){
  var h={}; location.hash.replace(/^#/,'').split('&').forEach(function(kv){
    var i=kv.indexOf('='); if(i>0)h[kv.slice(0,i)]=decodeURIComponent(kv.slice(i+1));});
  if(h.threads!==undefined){var want=h.threads.split(',');
    boxes.forEach(function(b){b.checked=want.indexOf(b.getAttribute('data-name'))>=0;});}
  if(h.steps!==undefined){var s=h.steps.split(':'); lo.value=s[0]||''; hi.value=s[1]||'';}
}
boxes.forEach(function(b){b.addEventListener('change',apply);});
[lo,hi].forEach(function(x){x.addEventListener('input',apply);});
document.getElementById('all').addEventListener('click',function(ev){ev.preventDefault();
  boxes.forEach(function(b){b.checked=true;}); lo.value=''; hi.value=''; apply();});
if(location.hash){fromHash();apply();}
})();
"""


def _one_line(text):
    return "; ".join(x.strip().rstrip(":") for x in str(text).splitlines() if x.strip())


def _path(p, q):
    """The same path as the script's: side to side between lanes, a bow
    within one lane."""
    pad = (LANE_W - BOX_W) / 2
    x1 = LEFT + p[0] * LANE_W + pad + (BOX_W if q[0] >= p[0] else 0)
    y1 = TOP + p[1] * ROW_H + BOX_H / 2
    x2 = LEFT + q[0] * LANE_W + pad + (0 if q[0] > p[0] else BOX_W)
    y2 = TOP + q[1] * ROW_H + BOX_H / 2
    if p[0] == q[0]:
        bx = x1 + 14
        return f"M{x1:g},{y1:g} C{bx:g},{y1:g} {bx:g},{y2:g} {x2:g},{y2:g}"
    return f"M{x1:g},{y1:g} L{x2:g},{y2:g}"


def render(events, title, what="", failure=None, ioctls=None, where=None, race=None):
    """The page: `events` as show.render takes them, `title` and `what` (a
    line saying what ran) at the top, `failure` an api.Failure or None,
    `ioctls`, `where` and `race` as for show.render."""
    events = list(events)
    esc = html.escape
    if where is None:
        where = sites.resolve(events)
    names = show._names(events)
    tids = show._threads(events)
    col = {t: i for i, t in enumerate(tids)}
    failed_i = sites.failed_event(events, failure)
    failed_tid = show._get(events[failed_i], "thread") if failed_i is not None else None
    race = set(sites.racing(events, failure) if race is None else race)
    steps = [show._get(e, "step") for e in events]

    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>{esc(title)}</title><style>{_STYLE}</style></head><body>",
           f"<h1>{esc(title)}</h1>"]
    if what:
        out.append(f'<p class="what">{esc(what)}</p>')
    if failure is not None and failure.kind != "pass":
        out.append(f'<p class="what"><b style="color:{RACE}">{esc(failure.kind)}</b> at step '
                   f'{failure.step} in thread {esc(failure.thread or "-")}: '
                   f'{esc(_one_line(failure.message)[:300])}</p>')

    # Filters.
    out.append('<form id="filters">')
    for t in tids:
        out.append(f'<label><input type="checkbox" class="thr" value="{t}" '
                   f'data-name="{esc(names[t])}" checked> {esc(names[t])}</label>')
    lo, hi = (steps[0], steps[-1]) if steps else (0, 0)
    out.append(f'<label>steps <input type="number" id="from" min="{lo}" max="{hi}" '
               f'placeholder="{lo}"> to <input type="number" id="to" min="{lo}" max="{hi}" '
               f'placeholder="{hi}"></label><a href="#" id="all">show all</a></form>')
    legend = "".join(f'<span style="background:{FILL[c]};color:{INK.get(c, "#1d2430")}">{c}</span>'
                     for c in FILL if c != "other")
    out.append(f'<p class="legend">{legend} <b style="color:{ARROW}">&#8594;</b> wakes '
               f'<b style="color:{PREEMPT}">- -</b> preemption (the thread could have gone on) '
               f'<b style="color:{RACE}">&#9633;</b> the events the failure turns on: the failing '
               f"thread's last operation and another thread's latest one on its object</p>")

    width = LEFT + max(len(tids), 1) * LANE_W + 16
    height = TOP + max(len(events), 1) * ROW_H + 16
    out.append(f'<svg id="tl" xmlns="http://www.w3.org/2000/svg" width="{width}" '
               f'height="{height}">')
    out.append(f'<defs><marker id="ah" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" '
               f'markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="{ARROW}"/>'
               f'</marker></defs>')
    for t in tids:  # lanes: background and header, moved together by the filters
        cls = " failed" if t == failed_tid else ""
        alt = " alt" if col[t] % 2 else ""
        out.append(f'<g class="lanehead" data-t="{t}" transform="translate({LEFT + col[t] * LANE_W},0)">'
                   f'<rect class="lane{alt}" x="0" y="{TOP - 6}" width="{LANE_W}" '
                   f'height="{len(events) * ROW_H + 8}"/>'
                   f'<text class="head{cls}" x="{LANE_W / 2:g}" y="{TOP - 12}" '
                   f'text-anchor="middle">{esc(names[t][:26])}</text></g>')
    # Events: a box per event, its row's step in the gutter of its lane group.
    prev, last_t = {}, None
    pad = (LANE_W - BOX_W) / 2
    for i, e in enumerate(events):
        tid = show._get(e, "thread")
        kind, obj, d = show.describe(e, names, prev.get(tid), ioctls)
        prev[tid] = e
        cls = show.event_class(kind)
        vt = show._get(e, "vtime")
        when = f" t={show._fmt_time(vt)}" if vt != last_t else ""
        last_t = vt
        text = " ".join(x for x in (kind, obj, d) if x)
        tip = f"step {steps[i]}{when}: {names[tid]}: {text}"
        if i in where:
            tip += f"\nat {where[i]}"
        if i in race:
            tip += "\n(the failure turns on this event)"
        # A system call by what it is (its details); anything else by kind and object.
        label = d if kind in ("syscall", "syscall_exit") and d else \
            " ".join(x for x in (kind, obj) if x)
        marks = (" race" if i in race else "") + (" failed" if i == failed_i else "")
        x, y = LEFT + col[tid] * LANE_W, TOP + i * ROW_H
        out.append(
            f'<g class="ev {cls}{marks}" data-i="{i}" data-t="{tid}" data-step="{steps[i]}" '
            f'transform="translate({x},{y})"><title>{esc(tip)}</title>'
            f'<text class="step" x="{-col[tid] * LANE_W - 6}" y="{BOX_H - 4}" text-anchor="end">'
            f'{steps[i]}</text>'
            f'<rect x="{pad:g}" y="0" width="{BOX_W}" height="{BOX_H}" rx="3" '
            f'fill="{FILL[cls]}"/>'
            f'<text x="{pad + 5:g}" y="{BOX_H - 4}" fill="{INK.get(cls, "#1d2430")}">'
            f'{esc(label[:27])}</text>'
            + (f'<circle class="failmark" cx="{pad + BOX_W - 9:g}" cy="{BOX_H / 2:g}" r="4"/>'
               if i == failed_i else "")
            + "</g>")
    # Links over the boxes: wakeups (arrows) and preemptions (dashed).
    for kind, pairs in (("wakearrow", sites.wakeups(events)),
                        ("preempt", sites.preemptions(events))):
        for i, j in pairs:
            p = (col[show._get(events[i], "thread")], i)
            q = (col[show._get(events[j], "thread")], j)
            arrow = ' marker-end="url(#ah)"' if kind == "wakearrow" else ""
            out.append(f'<path class="link {kind}" data-from="{i}" data-to="{j}" '
                       f'd="{_path(p, q)}"{arrow}/>')
    out.append("</svg>")

    if failure is None or failure.kind == "pass":
        out.append('<div class="pass">outcome: pass (no failure)</div>')
    else:
        at = sites.failure_where(events, failure, where)
        out.append(f'<div class="failure">{esc(failure.kind)} at step {failure.step} in thread '
                   f'{esc(failure.thread or "-")}:\n{esc(failure.message)}\n\nsignature: '
                   f'{esc(failure.signature)}'
                   + ("\n\nthe failure turns on:\n" + "\n".join("  " + esc(x) for x in at)
                      if at else "") + "</div>")
    geom = json.dumps({"left": LEFT, "lane": LANE_W, "top": TOP, "row": ROW_H, "bh": BOX_H,
                       "box": BOX_W, "pad": pad})
    out.append(f"<script>{_SCRIPT % {'geom': geom}}</script>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
