"""Exceptions raised while reading or querying a configuration."""
from __future__ import annotations

from typing import List, Optional, Tuple


class Error(Exception):
    """Base class for every error of this package."""


class NoSectionError(Error, KeyError):
    def __init__(self, section: str) -> None:
        super().__init__(f"no section: {section!r}")
        self.section = section

    def __str__(self) -> str:
        return self.args[0]


class NoOptionError(Error, KeyError):
    def __init__(self, option: str, section: str) -> None:
        super().__init__(f"no option {option!r} in section {section!r}")
        self.option = option
        self.section = section

    def __str__(self) -> str:
        return self.args[0]


class DuplicateSectionError(Error):
    def __init__(self, section: str, source: Optional[str] = None, lineno: Optional[int] = None) -> None:
        where = f" ({source}, line {lineno})" if source and lineno else ""
        super().__init__(f"section {section!r} already exists{where}")
        self.section = section
        self.source = source
        self.lineno = lineno


class DuplicateOptionError(Error):
    def __init__(self, section: str, option: str, source: Optional[str] = None, lineno: Optional[int] = None) -> None:
        where = f" ({source}, line {lineno})" if source and lineno else ""
        super().__init__(f"option {option!r} in section {section!r} already exists{where}")
        self.section = section
        self.option = option
        self.source = source
        self.lineno = lineno


class ParsingError(Error):
    """Lines that could not be parsed; collected so one read reports all of them."""

    def __init__(self, source: str) -> None:
        super().__init__(f"source contains parsing errors: {source!r}")
        self.source = source
        self.errors: List[Tuple[int, str]] = []

    def append(self, lineno: int, line: str) -> None:
        self.errors.append((lineno, line))
        self.args = (self.args[0] + f"\n\t[line {lineno:2d}]: {line!r}",)


class MissingSectionHeaderError(ParsingError):
    def __init__(self, source: str, lineno: int, line: str) -> None:
        Error.__init__(self, f"file contains no section headers.\nfile: {source!r}, line: {lineno}\n{line!r}")
        self.source = source
        self.lineno = lineno
        self.line = line
        self.errors = [(lineno, line)]


class InterpolationError(Error):
    def __init__(self, option: str, section: str, msg: str) -> None:
        super().__init__(msg)
        self.option = option
        self.section = section


class InterpolationDepthError(InterpolationError):
    def __init__(self, option: str, section: str, rawval: str, max_depth: int) -> None:
        super().__init__(
            option,
            section,
            f"recursion limit exceeded in value substitution: option {option!r} in section "
            f"{section!r} contains an interpolation key which cannot be substituted in "
            f"{max_depth} steps. Raw value: {rawval!r}",
        )


class InterpolationMissingOptionError(InterpolationError):
    def __init__(self, option: str, section: str, rawval: str, reference: str) -> None:
        super().__init__(
            option,
            section,
            f"bad value substitution: option {option!r} in section {section!r} contains an "
            f"interpolation key {reference!r} which is not a valid option name. Raw value: {rawval!r}",
        )
        self.reference = reference


class InterpolationSyntaxError(InterpolationError):
    pass
