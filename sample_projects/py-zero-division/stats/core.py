"""Small statistics for build durations."""


def mean(values):
    """Arithmetic mean; 0.0 for an empty list (no builds yet)."""
    return sum(values) / len(values)


def spread(values):
    """Largest minus smallest value; 0 for an empty list."""
    if not values:
        return 0
    return max(values) - min(values)
