"""Argument types of the command line with their accepted ranges: a value
outside one is a one-line usage error (exit status 2) naming the option and
the range, and every option's help shows its range."""

import argparse
import math

U64 = 2**64 - 1
I63 = 2**63 - 1


def int_in(lo, hi):
    def conv(s):
        try:
            v = int(s, 0)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{s}' is not an integer "
                                             f"(accepted: {lo}..{hi})") from None
        if not lo <= v <= hi:
            raise argparse.ArgumentTypeError(f"{s} is outside the accepted range {lo}..{hi}")
        return v
    conv.__name__ = "integer"
    return conv


def seconds_in(lo, hi, lo_open=True):
    """Seconds in (lo, hi] (or [lo, hi] when not lo_open); never inf or nan."""
    def conv(s):
        try:
            v = float(s)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{s}' is not a number of seconds") from None
        ok = math.isfinite(v) and (v > lo if lo_open else v >= lo) and v <= hi
        if not ok:
            want = f"{'more than' if lo_open else 'at least'} {lo:g} and at most {hi:g}"
            raise argparse.ArgumentTypeError(f"'{s}' seconds: want {want}")
        return v
    conv.__name__ = "seconds"
    return conv


def rng(lo, hi):
    """The range as --help shows it."""
    return f" [{lo}..{hi}]"
