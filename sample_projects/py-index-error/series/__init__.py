from series.window import deltas, pairs
