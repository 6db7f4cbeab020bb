from .core import total, mean
