from stats.core import mean, spread
