"""Progress of a long command (explore, minimize, fuzz, ci) on stderr.

On a terminal: one live line drawn by rich (Debian's python3-rich), with a
bar when the end is known (a run count or a time bound, whichever comes
first), the rate and the time left. Anywhere else (a CI log, a pipe): the
caller's plain line each time it reports, so a log shows where the time
went. Either way `summary()` says what was done, which is what a command
prints when Ctrl-C stops it.

Refreshed only when the command reports (no refresh thread): what is drawn
is what the last report said.
"""

import os
import sys
import time


def _fmt_secs(s):
    s = int(round(s))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def is_tty(stream=None):
    stream = stream or sys.stderr
    try:
        return stream.isatty() and os.environ.get("TERM", "") != "dumb"
    except (AttributeError, ValueError):
        return False


class Progress:
    """`what`: the command's name for itself ("explore"); `unit`: what it
    counts ("runs"); `total` and `seconds`: its bounds (None: none). Use as
    a context manager; update() from the command's progress callback."""

    def __init__(self, what, unit="runs", total=None, seconds=None, quiet=False, stream=None):
        self.what, self.unit = what, unit
        self.total = total or None
        self.seconds = seconds or None
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.t0 = time.monotonic()
        self.done = 0
        self.info = ""
        self._live = None
        if not quiet and is_tty(self.stream):
            try:
                from rich.console import Console
                from rich.progress import BarColumn, Progress as _RP, TextColumn
                from rich.table import Column
            except ImportError:  # no rich: the plain lines, on a terminal too
                pass
            else:
                # The name and the bar keep their width; the counts give way
                # (an ellipsis) on a narrow terminal.
                self._live = _RP(TextColumn("[bold]{task.description}",
                                            table_column=Column(no_wrap=True,
                                                                min_width=len(what))),
                                 BarColumn(bar_width=16),
                                 TextColumn("{task.fields[info]}",
                                            table_column=Column(no_wrap=True, ratio=1)),
                                 console=Console(file=self.stream), auto_refresh=False,
                                 transient=False)
                self._task = self._live.add_task(what, total=None, info="starting")
                self._live.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    @property
    def elapsed(self):
        return time.monotonic() - self.t0

    @property
    def rate(self):
        dt = self.elapsed
        return self.done / dt if dt > 0 else 0.0

    def fraction(self):
        """How far along, by whichever bound ends first; None: unknown."""
        parts = []
        if self.total:
            parts.append(self.done / self.total)
        if self.seconds:
            parts.append(self.elapsed / self.seconds)
        return min(1.0, max(parts)) if parts else None

    def eta(self):
        """Seconds left, by whichever bound ends first; None: unknown."""
        left = []
        if self.total and self.rate > 0:
            left.append(max(0.0, (self.total - self.done) / self.rate))
        if self.seconds:
            left.append(max(0.0, self.seconds - self.elapsed))
        return min(left) if left else None

    def update(self, done, line=None, info=""):
        """`done` so far; `line`: the plain line for a log (printed as is
        when not on a terminal); `info`: what else the live line shows."""
        self.done, self.info = done, info
        if self.quiet:
            return
        if self._live is None:
            if line:
                print(line, file=self.stream, flush=True)
            return
        eta = self.eta()
        text = (f"{done:,}" + (f"/{self.total:,}" if self.total else "") + f" {self.unit}  "
                f"{self.rate:,.0f}/s  " + (f"ETA {_fmt_secs(eta)}" if eta is not None else
                                            f"{_fmt_secs(self.elapsed)} so far")
                + (f"  {info}" if info else ""))
        f = self.fraction()
        self._live.update(self._task, total=None if f is None else 1000,
                          completed=0 if f is None else int(f * 1000), info=text)
        self._live.refresh()

    def summary(self):
        return (f"{self.done:,} {self.unit} in {self.elapsed:.1f} s ({self.rate:,.0f} "
                f"{self.unit}/s)" + (f", {self.info}" if self.info else ""))

    def close(self):
        if self._live is not None:
            self._live.stop()
            self._live = None

    def interrupted(self, extra=""):
        """The Ctrl-C summary, on stderr."""
        self.close()
        print(f"kernsim {self.what}: interrupted after {self.summary()}"
              + (f"; {extra}" if extra else ""), file=self.stream, flush=True)
