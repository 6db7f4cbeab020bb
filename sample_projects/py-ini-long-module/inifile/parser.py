"""Reading and writing INI files.

The dialect is the common one::

    # a comment
    [server]
    host = example.org        ; an inline comment
    port: 8080
    motd = first line
        continued on an indented line

Options before the first section header are an error; options of the
``[DEFAULT]`` section are visible in every other section. Option names are
case-insensitive (lower-cased by :meth:`Config.optionxform`); section names are
not.
"""
from __future__ import annotations

import io
import os
import re
from collections.abc import MutableMapping
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    TextIO,
    Tuple,
    Union,
)

from .errors import (
    DuplicateOptionError,
    DuplicateSectionError,
    MissingSectionHeaderError,
    NoOptionError,
    NoSectionError,
    ParsingError,
)
from .interpolation import BasicInterpolation, Interpolation

DEFAULTSECT = "DEFAULT"

BOOLEAN_STATES = {
    "1": True,
    "yes": True,
    "true": True,
    "on": True,
    "0": False,
    "no": False,
    "false": False,
    "off": False,
}

# Units of getduration(): "90s", "15m", "1h30m", "2d".
DURATION_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)")

PathLike = Union[str, bytes, "os.PathLike[str]"]


class _Unset:
    def __repr__(self) -> str:
        return "<unset>"


_UNSET: Any = _Unset()


class Section(MutableMapping):
    """A view of one section of a :class:`Config`; reads fall back to DEFAULT."""

    def __init__(self, parser: "Config", name: str) -> None:
        self._parser = parser
        self._name = name

    def __repr__(self) -> str:
        return f"<Section: {self._name}>"

    @property
    def name(self) -> str:
        return self._name

    @property
    def parser(self) -> "Config":
        return self._parser

    def __getitem__(self, key: str) -> str:
        if not self._parser.has_option(self._name, key):
            raise KeyError(key)
        return self._parser.get(self._name, key)

    def __setitem__(self, key: str, value: str) -> None:
        self._parser._validate_value_types(option=key, value=value)
        self._parser.set(self._name, key, value)

    def __delitem__(self, key: str) -> None:
        if not (self._parser.has_option(self._name, key) and self._parser.remove_option(self._name, key)):
            raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._parser.has_option(self._name, key)

    def __len__(self) -> int:
        return len(self._options())

    def __iter__(self) -> Iterator[str]:
        return iter(self._options())

    def _options(self) -> List[str]:
        if self._name != self._parser.default_section:
            return self._parser.options(self._name)
        return list(self._parser.defaults())

    def get(self, option: str, fallback: Optional[str] = None, *, raw: bool = False, vars: Optional[Mapping[str, str]] = None) -> Optional[str]:  # type: ignore[override]
        return self._parser.get(self._name, option, raw=raw, vars=vars, fallback=fallback)

    def getint(self, option: str, fallback: Optional[int] = None, **kwargs: Any) -> Optional[int]:
        return self._parser.getint(self._name, option, fallback=fallback, **kwargs)

    def getfloat(self, option: str, fallback: Optional[float] = None, **kwargs: Any) -> Optional[float]:
        return self._parser.getfloat(self._name, option, fallback=fallback, **kwargs)

    def getboolean(self, option: str, fallback: Optional[bool] = None, **kwargs: Any) -> Optional[bool]:
        return self._parser.getboolean(self._name, option, fallback=fallback, **kwargs)

    def getlist(self, option: str, fallback: Optional[List[str]] = None, **kwargs: Any) -> Optional[List[str]]:
        return self._parser.getlist(self._name, option, fallback=fallback, **kwargs)

    def getduration(self, option: str, fallback: Optional[float] = None, **kwargs: Any) -> Optional[float]:
        return self._parser.getduration(self._name, option, fallback=fallback, **kwargs)


class Config(MutableMapping):
    """An INI configuration: sections of options, read from files or strings."""

    _SECT_TMPL = r"""
        \[                                 # [
        (?P<header>.+)                     # very permissive!
        \]                                 # ]
        """
    _OPT_TMPL = r"""
        (?P<option>.*?)                    # very permissive!
        \s*(?P<vi>{delim})\s*              # any number of space/tab,
                                           # followed by any of the
                                           # allowed delimiters,
                                           # followed by any space/tab
        (?P<value>.*)$                     # everything up to eol
        """
    _OPT_NV_TMPL = r"""
        (?P<option>.*?)                    # very permissive!
        \s*(?:                             # any number of space/tab,
        (?P<vi>{delim})\s*                 # optionally followed by
                                           # any of the allowed
                                           # delimiters, followed by any
                                           # space/tab
        (?P<value>.*))?$                   # everything up to eol
        """
    SECTCRE = re.compile(_SECT_TMPL, re.VERBOSE)
    NONSPACECRE = re.compile(r"\S")

    def __init__(
        self,
        defaults: Optional[Mapping[str, str]] = None,
        *,
        allow_no_value: bool = False,
        delimiters: Sequence[str] = ("=", ":"),
        comment_prefixes: Sequence[str] = ("#", ";"),
        inline_comment_prefixes: Optional[Sequence[str]] = ("#", ";"),
        strict: bool = True,
        empty_lines_in_values: bool = True,
        default_section: str = DEFAULTSECT,
        interpolation: Optional[Interpolation] = _UNSET,
        converters: Optional[Mapping[str, Callable[[str], Any]]] = None,
    ) -> None:
        self._sections: Dict[str, Dict[str, Optional[str]]] = {}
        self._defaults: Dict[str, Optional[str]] = {}
        self._proxies: Dict[str, Section] = {}
        self.default_section = default_section
        self._proxies[default_section] = Section(self, default_section)
        self._delimiters = tuple(delimiters)
        delim = "|".join(re.escape(d) for d in delimiters)
        template = self._OPT_NV_TMPL if allow_no_value else self._OPT_TMPL
        self._optcre = re.compile(template.format(delim=delim), re.VERBOSE)
        self._comment_prefixes = tuple(comment_prefixes or ())
        self._inline_comment_prefixes = tuple(inline_comment_prefixes or ())
        self._strict = strict
        self._allow_no_value = allow_no_value
        self._empty_lines_in_values = empty_lines_in_values
        self._interpolation: Interpolation = BasicInterpolation() if interpolation is _UNSET else (interpolation or Interpolation())
        self._converters: Dict[str, Callable[[str], Any]] = dict(converters or {})
        if defaults:
            self.read_dict({default_section: defaults})

    # ------------------------------------------------------------------ queries

    def defaults(self) -> Dict[str, Optional[str]]:
        return self._defaults

    def sections(self) -> List[str]:
        """The section names, DEFAULT excluded, in the order they were read."""
        return list(self._sections.keys())

    def add_section(self, section: str) -> None:
        if section == self.default_section:
            raise ValueError(f"invalid section name: {section!r}")
        if section in self._sections:
            raise DuplicateSectionError(section)
        self._sections[section] = {}
        self._proxies[section] = Section(self, section)

    def has_section(self, section: str) -> bool:
        return section in self._sections

    def options(self, section: str) -> List[str]:
        try:
            opts = self._sections[section].copy()
        except KeyError:
            raise NoSectionError(section) from None
        opts.update(self._defaults)
        return list(opts.keys())

    def has_option(self, section: Optional[str], option: str) -> bool:
        if not section or section == self.default_section:
            return self.optionxform(option) in self._defaults
        if section not in self._sections:
            return False
        option = self.optionxform(option)
        return option in self._sections[section] or option in self._defaults

    def optionxform(self, optionstr: str) -> str:
        return optionstr.lower()

    def get(self, section: str, option: str, *, raw: bool = False, vars: Optional[Mapping[str, str]] = None, fallback: Any = _UNSET) -> Any:  # type: ignore[override]
        """The value of `option` in `section`, interpolated unless `raw`."""
        try:
            d = self._unify_values(section, vars)
        except NoSectionError:
            if fallback is _UNSET:
                raise
            return fallback
        option = self.optionxform(option)
        try:
            value = d[option]
        except KeyError:
            if fallback is _UNSET:
                raise NoOptionError(option, section) from None
            return fallback
        if raw or value is None:
            return value
        return self._interpolation.before_get(self, section, option, value, d)

    def _get(self, section: str, conv: Callable[[str], Any], option: str, **kwargs: Any) -> Any:
        return conv(self.get(section, option, **kwargs))

    def _get_conv(self, section: str, option: str, conv: Callable[[str], Any], *, raw: bool = False, vars: Optional[Mapping[str, str]] = None, fallback: Any = _UNSET, **kwargs: Any) -> Any:
        try:
            return self._get(section, conv, option, raw=raw, vars=vars, **kwargs)
        except (NoSectionError, NoOptionError):
            if fallback is _UNSET:
                raise
            return fallback

    def getint(self, section: str, option: str, **kwargs: Any) -> int:
        return self._get_conv(section, option, _to_int, **kwargs)

    def getfloat(self, section: str, option: str, **kwargs: Any) -> float:
        return self._get_conv(section, option, float, **kwargs)

    def getboolean(self, section: str, option: str, **kwargs: Any) -> bool:
        return self._get_conv(section, option, self._convert_to_boolean, **kwargs)

    def getlist(self, section: str, option: str, **kwargs: Any) -> List[str]:
        """A comma- or newline-separated value as a list, blanks dropped."""
        return self._get_conv(section, option, _split_list, **kwargs)

    def getduration(self, section: str, option: str, **kwargs: Any) -> float:
        """A duration (``90``, ``90s``, ``1h30m``) in seconds."""
        return self._get_conv(section, option, _parse_duration, **kwargs)

    def convert(self, section: str, option: str, name: str, **kwargs: Any) -> Any:
        """The value through a converter given to the constructor (``converters=``)."""
        try:
            conv = self._converters[name]
        except KeyError:
            raise ValueError(f"no converter named {name!r}") from None
        return self._get_conv(section, option, conv, **kwargs)

    def items(self, section: Any = _UNSET, raw: bool = False, vars: Optional[Mapping[str, str]] = None) -> Any:  # type: ignore[override]
        """Without a section: (name, Section) pairs. With one: its (option, value) pairs."""
        if section is _UNSET:
            return super().items()
        d = self._defaults.copy()
        try:
            d.update(self._sections[section])
        except KeyError:
            if section != self.default_section:
                raise NoSectionError(section) from None
        orig_keys = list(d.keys())
        if vars:
            for key, value in vars.items():
                d[self.optionxform(key)] = value
        if raw:
            return [(option, d[option]) for option in orig_keys]
        return [
            (option, self._interpolation.before_get(self, section, option, d[option], d) if d[option] is not None else None)
            for option in orig_keys
        ]

    # ----------------------------------------------------------------- changes

    def set(self, section: str, option: str, value: Optional[str] = None) -> None:
        if value is not None:
            value = self._interpolation.before_set(self, section, option, value)
        if not section or section == self.default_section:
            sectdict = self._defaults
        else:
            try:
                sectdict = self._sections[section]
            except KeyError:
                raise NoSectionError(section) from None
        sectdict[self.optionxform(option)] = value

    def remove_option(self, section: str, option: str) -> bool:
        if not section or section == self.default_section:
            sectdict = self._defaults
        else:
            try:
                sectdict = self._sections[section]
            except KeyError:
                raise NoSectionError(section) from None
        option = self.optionxform(option)
        existed = option in sectdict
        if existed:
            del sectdict[option]
        return existed

    def remove_section(self, section: str) -> bool:
        existed = section in self._sections
        if existed:
            del self._sections[section]
            del self._proxies[section]
        return existed

    def read_dict(self, dictionary: Mapping[str, Mapping[str, Any]], source: str = "<dict>") -> None:
        elements_added = set()
        for section, keys in dictionary.items():
            section = str(section)
            try:
                self.add_section(section)
            except (DuplicateSectionError, ValueError):
                if self._strict and section in elements_added:
                    raise
            elements_added.add(section)
            for key, value in keys.items():
                key = self.optionxform(str(key))
                if value is not None:
                    value = str(value)
                if self._strict and (section, key) in elements_added:
                    raise DuplicateOptionError(section, key, source)
                elements_added.add((section, key))
                self.set(section, key, value)

    # ------------------------------------------------------------------ writing

    def write(self, fp: TextIO, space_around_delimiters: bool = True) -> None:
        """Writes the configuration in a form :meth:`read_string` reads back."""
        d = " {} ".format(self._delimiters[0]) if space_around_delimiters else self._delimiters[0]
        if self._defaults:
            self._write_section(fp, self.default_section, self._defaults.items(), d)
        for section in self._sections:
            self._write_section(fp, section, self._sections[section].items(), d)

    def _write_section(self, fp: TextIO, section_name: str, section_items: Iterable[Tuple[str, Optional[str]]], delimiter: str) -> None:
        fp.write(f"[{section_name}]\n")
        for key, value in section_items:
            value = self._interpolation.before_write(self, section_name, key, value)
            if value is not None or not self._allow_no_value:
                value = delimiter + str(value).replace("\n", "\n\t")
            else:
                value = ""
            fp.write(f"{key}{value}\n")
        fp.write("\n")

    def dumps(self) -> str:
        buf = io.StringIO()
        self.write(buf)
        return buf.getvalue()

    # --------------------------------------------------------- mapping protocol

    def __getitem__(self, key: str) -> Section:
        if key != self.default_section and not self.has_section(key):
            raise KeyError(key)
        return self._proxies[key]

    def __setitem__(self, key: str, value: Mapping[str, Any]) -> None:
        if key in self and self[key] is value:
            return
        if key == self.default_section:
            self._defaults.clear()
        elif key in self._sections:
            self._sections[key].clear()
        self.read_dict({key: value})

    def __delitem__(self, key: str) -> None:
        if key == self.default_section:
            raise ValueError("cannot remove the default section")
        if not self.has_section(key):
            raise KeyError(key)
        self.remove_section(key)

    def __contains__(self, key: object) -> bool:
        return key == self.default_section or (isinstance(key, str) and self.has_section(key))

    def __len__(self) -> int:
        return len(self._sections) + 1

    def __iter__(self) -> Iterator[str]:
        yield self.default_section
        yield from self._sections.keys()

    # ------------------------------------------------------------------ reading

    def read(self, filenames: Union[PathLike, Iterable[PathLike]], encoding: Optional[str] = None) -> List[str]:
        """Reads each file that exists; returns the names of those read."""
        if isinstance(filenames, (str, bytes, os.PathLike)):
            filenames = [filenames]
        read_ok = []
        for filename in filenames:
            try:
                with open(filename, encoding=encoding) as fp:
                    self._read(fp, os.fsdecode(filename))
            except OSError:
                continue
            read_ok.append(os.fspath(filename))
        return read_ok

    def read_file(self, f: Iterable[str], source: Optional[str] = None) -> None:
        if source is None:
            source = getattr(f, "name", "<???>")
        self._read(f, source)

    def read_string(self, string: str, source: str = "<string>") -> None:
        self._read(io.StringIO(string), source)

    def _read(self, fp: Iterable[str], fpname: str) -> None:
        """Parses a file: sections, options and continuation lines.

        A continuation line is indented more than the option it continues; with
        `empty_lines_in_values`, blank lines inside such a value are kept. Errors
        are collected and raised together at the end."""
        elements_added = set()
        cursect: Optional[Dict[str, Any]] = None
        sectname: Optional[str] = None
        optname: Optional[str] = None
        indent_level = 0
        e: Optional[ParsingError] = None
        for lineno, line in enumerate(fp, start=1):
            comment_start = self._comment_start(line)
            value = line[:comment_start].strip() if comment_start is not None else self._strip_inline_comment(line)
            if not value:
                if self._empty_lines_in_values:
                    # A blank line inside a multi-line value is part of it,
                    # unless it is a comment line.
                    if (
                        comment_start is None
                        and cursect is not None
                        and optname
                        and cursect[optname] is not None
                    ):
                        cursect[optname].append("")
                else:
                    indent_level = 2**31
                continue
            first_nonspace = self.NONSPACECRE.search(line)
            cur_indent_level = first_nonspace.start() if first_nonspace else 0
            if cursect is not None and optname and cur_indent_level > indent_level:
                # A continuation line.
                if cursect[optname] is None:
                    raise MissingSectionHeaderError(fpname, lineno, line)
                cursect[optname].append(value)
                continue
            indent_level = cur_indent_level
            mo = self.SECTCRE.match(value)
            if mo:
                sectname = mo.group("header")
                if sectname in self._sections:
                    if self._strict and sectname in elements_added:
                        raise DuplicateSectionError(sectname, fpname, lineno)
                    cursect = self._sections[sectname]
                    elements_added.add(sectname)
                elif sectname == self.default_section:
                    cursect = self._defaults
                else:
                    cursect = {}
                    self._sections[sectname] = cursect
                    self._proxies[sectname] = Section(self, sectname)
                    elements_added.add(sectname)
                optname = None
            elif cursect is None:
                raise MissingSectionHeaderError(fpname, lineno, line)
            else:
                mo = self._optcre.match(value)
                if mo:
                    optname, vi, optval = mo.group("option", "vi", "value")
                    if not optname:
                        e = self._handle_error(e, fpname, lineno, line)
                    optname = self.optionxform(optname.rstrip())
                    if self._strict and (sectname, optname) in elements_added:
                        raise DuplicateOptionError(sectname, optname, fpname, lineno)
                    elements_added.add((sectname, optname))
                    if optval is not None:
                        optval = optval.strip()
                        cursect[optname] = [optval]
                    else:
                        cursect[optname] = None
                else:
                    e = self._handle_error(e, fpname, lineno, line)
        self._join_multiline_values()
        if e:
            raise e

    def _join_multiline_values(self) -> None:
        all_sections = [self._defaults, *self._sections.values()]
        for section in all_sections:
            for name, val in section.items():
                if isinstance(val, list):
                    val = "\n".join(val).rstrip()
                section[name] = val

    def _handle_error(self, exc: Optional[ParsingError], fpname: str, lineno: int, line: str) -> ParsingError:
        if not exc:
            exc = ParsingError(fpname)
        exc.append(lineno, line)
        return exc

    def _unify_values(self, section: str, vars: Optional[Mapping[str, str]]) -> Dict[str, Optional[str]]:
        """The options visible in `section`: DEFAULT, then the section's, then `vars`."""
        sectiondict: Dict[str, Optional[str]] = {}
        try:
            sectiondict = self._sections[section]
        except KeyError:
            if section != self.default_section:
                raise NoSectionError(section) from None
        vardict: Dict[str, Optional[str]] = {}
        if vars:
            for key, value in vars.items():
                if value is not None:
                    value = str(value)
                vardict[self.optionxform(key)] = value
        merged = dict(self._defaults)
        merged.update(sectiondict)
        merged.update(vardict)
        return merged

    def _convert_to_boolean(self, value: str) -> bool:
        if value.lower() not in BOOLEAN_STATES:
            raise ValueError(f"not a boolean: {value}")
        return BOOLEAN_STATES[value.lower()]

    def _validate_value_types(self, *, section: str = "", option: str = "", value: Any = "") -> None:
        if not isinstance(section, str):
            raise TypeError("section names must be strings")
        if not isinstance(option, str):
            raise TypeError("option keys must be strings")
        if not self._allow_no_value or value:
            if not isinstance(value, str):
                raise TypeError("option values must be strings")

    def _comment_start(self, line: str) -> Optional[int]:
        """Where a whole-line comment starts (0 for ``# ...``), or None."""
        stripped = line.strip()
        for prefix in self._comment_prefixes:
            if stripped.startswith(prefix):
                return line.find(prefix)
        return None

    def _strip_inline_comment(self, text: str) -> str:
        """The line without its inline comment, stripped.

        An inline comment prefix counts only after whitespace: ``port = 80 ; http``
        is ``80``, but ``url = http://example.org/#top`` keeps its fragment."""
        if not self._inline_comment_prefixes:
            return text.strip()
        cut = len(text)
        for prefix in self._inline_comment_prefixes:
            index = text.find(prefix)
            while index != -1:
                if index == 0 or text[index - 1].isspace:
                    cut = min(cut, index)
                    break
                index = text.find(prefix, index + 1)
        return text[:cut].strip()


def _to_int(value: str) -> int:
    """An integer, with ``_`` separators and ``0x``/``0o``/``0b`` prefixes allowed."""
    text = value.strip().replace("_", "")
    return int(text, 0) if text[:2].lower() in ("0x", "0o", "0b") else int(text)


def _split_list(value: str) -> List[str]:
    items: List[str] = []
    for line in value.splitlines():
        for part in line.split(","):
            part = part.strip()
            if part:
                items.append(part)
    return items


def _parse_duration(value: str) -> float:
    text = value.strip().lower()
    if not text:
        raise ValueError("empty duration")
    try:
        return float(text)
    except ValueError:
        pass
    total = 0.0
    pos = 0
    for m in _DURATION_PART.finditer(text):
        if text[pos:m.start()].strip():
            raise ValueError(f"not a duration: {value!r}")
        total += float(m.group(1)) * DURATION_UNITS[m.group(2)]
        pos = m.end()
    if pos == 0 or text[pos:].strip():
        raise ValueError(f"not a duration: {value!r}")
    return total


def loads(text: str, **options: Any) -> Config:
    """A :class:`Config` read from a string; keyword arguments go to its constructor."""
    cfg = Config(**options)
    cfg.read_string(text)
    return cfg


def load(path: PathLike, encoding: str = "utf-8", **options: Any) -> Config:
    """A :class:`Config` read from one file, which must exist."""
    cfg = Config(**options)
    with open(path, encoding=encoding) as fp:
        cfg.read_file(fp, os.fsdecode(path))
    return cfg
