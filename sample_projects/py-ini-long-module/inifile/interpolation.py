"""Value interpolation: ``%(name)s`` (basic) and ``${section:name}`` (extended)."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, List, Mapping

from .errors import (
    InterpolationDepthError,
    InterpolationMissingOptionError,
    InterpolationSyntaxError,
    NoOptionError,
    NoSectionError,
)

if TYPE_CHECKING:  # pragma: no cover
    from .parser import Config

MAX_INTERPOLATION_DEPTH = 10


class Interpolation:
    """No interpolation at all: values are returned as they were read."""

    def before_get(self, parser: "Config", section: str, option: str, value: str, defaults: Mapping[str, str]) -> str:
        return value

    def before_set(self, parser: "Config", section: str, option: str, value: str) -> str:
        return value

    def before_write(self, parser: "Config", section: str, option: str, value: str) -> str:
        return value


NoInterpolation = Interpolation


class BasicInterpolation(Interpolation):
    """``%(name)s`` refers to another option of the same section (or DEFAULT).

    ``%%`` is a literal percent sign."""

    _KEYCRE = re.compile(r"%\(([^)]+)\)s")

    def before_get(self, parser, section, option, value, defaults):
        parts: List[str] = []
        self._interpolate_some(parser, option, parts, value, section, defaults, 1)
        return "".join(parts)

    def before_set(self, parser, section, option, value):
        tmp = value.replace("%%", "")
        tmp = self._KEYCRE.sub("", tmp)
        if "%" in tmp:
            raise ValueError(f"invalid interpolation syntax in {value!r} at position {tmp.find('%')}")
        return value

    def _interpolate_some(self, parser, option, accum, rest, section, mapping, depth):
        rawval = parser.get(section, option, raw=True, fallback=rest)
        if depth > MAX_INTERPOLATION_DEPTH:
            raise InterpolationDepthError(option, section, rawval, MAX_INTERPOLATION_DEPTH)
        while rest:
            p = rest.find("%")
            if p < 0:
                accum.append(rest)
                return
            if p > 0:
                accum.append(rest[:p])
                rest = rest[p:]
            c = rest[1:2]
            if c == "%":
                accum.append("%")
                rest = rest[2:]
            elif c == "(":
                m = self._KEYCRE.match(rest)
                if m is None:
                    raise InterpolationSyntaxError(option, section, f"bad interpolation variable reference {rest!r}")
                var = parser.optionxform(m.group(1))
                rest = rest[m.end():]
                try:
                    v = mapping[var]
                except KeyError:
                    raise InterpolationMissingOptionError(option, section, rawval, var) from None
                if "%" in v:
                    self._interpolate_some(parser, option, accum, v, section, mapping, depth + 1)
                else:
                    accum.append(v)
            else:
                raise InterpolationSyntaxError(
                    option, section, f"'%' must be followed by '%' or '(', found: {rest!r}"
                )


class ExtendedInterpolation(Interpolation):
    """``${name}`` refers to an option of the same section, ``${section:name}`` to
    another section's. ``$$`` is a literal dollar sign."""

    _KEYCRE = re.compile(r"\$\{([^}]+)\}")

    def before_get(self, parser, section, option, value, defaults):
        parts: List[str] = []
        self._interpolate_some(parser, option, parts, value, section, defaults, 1)
        return "".join(parts)

    def before_set(self, parser, section, option, value):
        tmp = value.replace("$$", "")
        tmp = self._KEYCRE.sub("", tmp)
        if "$" in tmp:
            raise ValueError(f"invalid interpolation syntax in {value!r} at position {tmp.find('$')}")
        return value

    def _interpolate_some(self, parser, option, accum, rest, section, mapping, depth):
        rawval = parser.get(section, option, raw=True, fallback=rest)
        if depth > MAX_INTERPOLATION_DEPTH:
            raise InterpolationDepthError(option, section, rawval, MAX_INTERPOLATION_DEPTH)
        while rest:
            p = rest.find("$")
            if p < 0:
                accum.append(rest)
                return
            if p > 0:
                accum.append(rest[:p])
                rest = rest[p:]
            c = rest[1:2]
            if c == "$":
                accum.append("$")
                rest = rest[2:]
            elif c == "{":
                m = self._KEYCRE.match(rest)
                if m is None:
                    raise InterpolationSyntaxError(option, section, f"bad interpolation variable reference {rest!r}")
                path = m.group(1).split(":")
                rest = rest[m.end():]
                sect = section
                opt = option
                try:
                    if len(path) == 1:
                        opt = parser.optionxform(path[0])
                        v = mapping[opt]
                    elif len(path) == 2:
                        sect = path[0]
                        opt = parser.optionxform(path[1])
                        v = parser.get(sect, opt, raw=True)
                    else:
                        raise InterpolationSyntaxError(option, section, f"more than one ':' found: {rest!r}")
                except (KeyError, NoSectionError, NoOptionError):
                    raise InterpolationMissingOptionError(option, section, rawval, ":".join(path)) from None
                if "$" in v:
                    self._interpolate_some(parser, opt, accum, v, sect, dict(parser.items(sect, raw=True)), depth + 1)
                else:
                    accum.append(v)
            else:
                raise InterpolationSyntaxError(
                    option, section, f"'$' must be followed by '$' or '{{', found: {rest!r}"
                )
