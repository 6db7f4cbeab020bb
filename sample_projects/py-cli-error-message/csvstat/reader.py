"""A CSV reader (RFC 4180 with the usual leniencies), as a state machine over characters.

Unlike the standard library's reader it reports where a bad record started and
reads quoted fields that span lines, whatever the file's line endings are.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Iterable, Iterator, List, Optional, TextIO


class CsvError(ValueError):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"{message} (started on line {line})")
        self.line = line


@dataclass(frozen=True)
class Dialect:
    delimiter: str = ","
    quotechar: str = '"'
    # A quote inside an unquoted field, or text after a closing quote, is kept
    # as text instead of being an error.
    lenient: bool = True
    skip_blank_lines: bool = True

    def __post_init__(self) -> None:
        if len(self.delimiter) != 1 or len(self.quotechar) != 1:
            raise ValueError("delimiter and quotechar must be single characters")
        if self.delimiter == self.quotechar:
            raise ValueError("delimiter and quotechar must differ")


class _State(enum.Enum):
    START_RECORD = 0
    START_FIELD = 1
    IN_FIELD = 2
    IN_QUOTED = 3
    QUOTE_IN_QUOTED = 4


class Reader:
    """Yields each record as a list of strings."""

    def __init__(self, chunks: Iterable[str], dialect: Dialect = Dialect()) -> None:
        self._chunks = chunks
        self._d = dialect
        self._state = _State.START_RECORD
        self._field: List[str] = []
        self._record: List[str] = []
        self._line = 1
        self._record_line = 1
        self._done: List[List[str]] = []

    def __iter__(self) -> Iterator[List[str]]:
        for chunk in self._chunks:
            for ch in chunk:
                self._feed(ch)
                if self._done:
                    yield from self._done
                    self._done.clear()
        self._finish()
        yield from self._done
        self._done.clear()

    @property
    def line(self) -> int:
        """The line the reader is on (1-based)."""
        return self._line

    def _feed(self, ch: str) -> None:
        if ch == "\n":
            self._line += 1
        state = self._state
        if state is _State.START_RECORD:
            self._start_record(ch)
        elif state is _State.START_FIELD:
            self._start_field(ch)
        elif state is _State.IN_FIELD:
            self._in_field(ch)
        elif state is _State.IN_QUOTED:
            self._in_quoted(ch)
        else:
            self._after_quote(ch)

    def _start_record(self, ch: str) -> None:
        if ch in "\r\n":
            if not self._d.skip_blank_lines:
                self._done.append([""])
            return
        self._record_line = self._line
        self._state = _State.START_FIELD
        self._start_field(ch)

    def _start_field(self, ch: str) -> None:
        d = self._d
        if ch == d.quotechar:
            self._state = _State.IN_QUOTED
        elif ch == d.delimiter:
            self._end_field()
        elif ch in "\r\n":
            self._end_field()
            self._end_record()
        else:
            self._field.append(ch)
            self._state = _State.IN_FIELD

    def _in_field(self, ch: str) -> None:
        d = self._d
        if ch == d.delimiter:
            self._end_field()
            self._state = _State.START_FIELD
        elif ch in "\r\n":
            self._end_field()
            self._end_record()
        elif ch == d.quotechar and not d.lenient:
            raise CsvError(f"{d.quotechar!r} inside an unquoted field", self._record_line)
        else:
            self._field.append(ch)

    def _in_quoted(self, ch: str) -> None:
        if ch == self._d.quotechar:
            self._state = _State.QUOTE_IN_QUOTED
        else:
            # Line breaks inside quotes are part of the field.
            self._field.append(ch)

    def _after_quote(self, ch: str) -> None:
        """After a quote inside a quoted field: an escaped quote, or the field's end."""
        d = self._d
        if ch == d.quotechar:
            self._field.append(ch)
            self._state = _State.IN_QUOTED
        elif ch == d.delimiter:
            self._end_field()
            self._state = _State.START_FIELD
        elif ch == "\n":
            self._end_field()
            self._end_record()
        elif d.lenient:
            # `"abc"def` reads as `abcdef`, as spreadsheets do.
            self._field.append(ch)
            self._state = _State.IN_QUOTED
        else:
            raise CsvError(f"{d.delimiter!r} expected after {d.quotechar!r}", self._record_line)

    def _end_field(self) -> None:
        self._record.append("".join(self._field))
        self._field = []

    def _end_record(self) -> None:
        self._done.append(self._record)
        self._record = []
        self._state = _State.START_RECORD

    def _finish(self) -> None:
        state = self._state
        if state is _State.IN_QUOTED:
            raise CsvError("unexpected end of input while parsing quoted field", self._record_line)
        if state in (_State.START_FIELD, _State.IN_FIELD, _State.QUOTE_IN_QUOTED):
            self._end_field()
            self._end_record()


def read(fp: TextIO, dialect: Optional[Dialect] = None) -> Iterator[List[str]]:
    """Records of an open text file (opened with newline="" so line ends reach the reader)."""
    return iter(Reader(iter(lambda: fp.read(65536), ""), dialect or Dialect()))


def sniff_delimiter(sample: str, candidates: str = ",;\t|") -> str:
    """The candidate that splits the sample's first lines into the same number of fields."""
    lines = [l for l in sample.splitlines()[:10] if l.strip()]
    best, best_score = ",", 0
    for c in candidates:
        counts = {l.count(c) for l in lines}
        if len(counts) == 1:
            score = counts.pop()
            if score > best_score:
                best, best_score = c, score
    return best
