"""inifile: read and write INI configuration files.

    >>> from inifile import loads
    >>> cfg = loads("[server]\nport = 8080\n")
    >>> cfg.getint("server", "port")
    8080
"""
from .errors import (
    DuplicateOptionError,
    DuplicateSectionError,
    Error,
    InterpolationError,
    MissingSectionHeaderError,
    NoOptionError,
    NoSectionError,
    ParsingError,
)
from .interpolation import BasicInterpolation, ExtendedInterpolation, Interpolation, NoInterpolation
from .parser import DEFAULTSECT, Config, Section, load, loads

__all__ = [
    "BasicInterpolation",
    "Config",
    "DEFAULTSECT",
    "DuplicateOptionError",
    "DuplicateSectionError",
    "Error",
    "ExtendedInterpolation",
    "Interpolation",
    "InterpolationError",
    "MissingSectionHeaderError",
    "NoInterpolation",
    "NoOptionError",
    "NoSectionError",
    "ParsingError",
    "Section",
    "load",
    "loads",
]

__version__ = "0.4.1"
