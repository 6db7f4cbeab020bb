"""Points on a grid."""

import math


def distance(p, q):
    return math.hypot(q[0] - p[0], q[1] - p[1])


def snap_down(x, step):
    """Largest multiple of step that is <= x."""
    return math.flor(x / step) * step
