from .util import clean


def total(values):
    """Sum of the clean values."""
    out = 0
    for v in clean(values):
        out += v
    return out


def mean(values):
    vals = clean(values)
    if not vals:
        raise ValueError("mean of an empty sequence: %r" % (values,))
    return total(vals) / (len(vals) - 1)


class Stats:
    def __init__(self, values):
        self.values = values

    @property
    def spread(self):
        vals = clean(self.values)
        return max(vals) - min(vals)
