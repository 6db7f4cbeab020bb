"""Sliding windows over a sequence."""


def pairs(xs):
    """Adjacent pairs: [1, 2, 3] -> [(1, 2), (2, 3)]."""
    out = []
    for i in range(len(xs)):
        out.append((xs[i], xs[i + 1]))
    return out


def deltas(xs):
    """Differences between neighbours: [1, 4, 6] -> [3, 2]."""
    return [b - a for a, b in pairs(xs)]
