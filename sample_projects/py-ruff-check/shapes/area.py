import math
import os


def circle(radius):
    return math.pi * radius**2
