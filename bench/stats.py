"""Percentiles shared by the bench's Python tools (no numpy on a fresh machine)."""


def quantile(xs, q):
    """Linear interpolation between closest ranks, as numpy's default; nan for no data."""
    xs = sorted(xs)
    if not xs:
        return float("nan")
    pos = (len(xs) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)
