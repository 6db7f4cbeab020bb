"""The tokenizer: one master regex built from named patterns, tried in order."""
from __future__ import annotations

import re
from typing import Iterator, List, Optional, Sequence, Tuple

from .tokens import Token, TokenKind

# Longest operators first, so "**" is not read as two "*".
DEFAULT_OPERATORS: Tuple[str, ...] = (
    "**", "//", "==", "!=", "<=", ">=", "&&", "||",
    "+", "-", "*", "/", "%", "^", "<", ">", "!", "=", "?", ":",
)

# Integers, decimals (".5", "5.", "5.5") and an optional exponent ("1e9").
NUMBER = r"(?:\d+\.\d*|\.\d+|\d+)(?:[eE]\d+)?"
NAME = r"[A-Za-z_][A-Za-z_0-9]*"
STRING = r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'"


class LexError(ValueError):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"{message} at line {line}, column {column}")
        self.line = line
        self.column = column


class Lexer:
    """Splits source text into tokens.

    `operators` replaces the default operator set; `newlines` makes line breaks
    tokens of their own (for statement-per-line languages) instead of spacing."""

    def __init__(self, operators: Optional[Sequence[str]] = None, newlines: bool = False) -> None:
        ops = sorted(operators or DEFAULT_OPERATORS, key=len, reverse=True)
        parts = [
            ("NUMBER", NUMBER),
            ("NAME", NAME),
            ("STRING", STRING),
            ("OP", "|".join(re.escape(o) for o in ops)),
            ("LPAREN", r"\("),
            ("RPAREN", r"\)"),
            ("COMMA", r","),
            ("NEWLINE", r"\n"),
            ("SKIP", r"[ \t\r]+|#[^\n]*"),
            ("MISMATCH", r"."),
        ]
        self._regex = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in parts))
        self._newlines = newlines

    def tokens(self, text: str) -> Iterator[Token]:
        line = 1
        line_start = 0
        for m in self._regex.finditer(text):
            kind = m.lastgroup
            value = m.group()
            column = m.start() - line_start + 1
            if kind == "NEWLINE":
                if self._newlines:
                    yield Token(TokenKind.NEWLINE, value, line, column)
                line += 1
                line_start = m.end()
                continue
            if kind == "SKIP":
                continue
            if kind == "MISMATCH":
                raise LexError(f"unexpected character {value!r}", line, column)
            if kind == "STRING":
                value = _unescape(value[1:-1])
            yield Token(TokenKind[kind], value, line, column)
        yield Token(TokenKind.EOF, "", line, len(text) - line_start + 1)

    def tokenize(self, text: str) -> List[Token]:
        return list(self.tokens(text))


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "0": "\0"}


def _unescape(body: str) -> str:
    out: List[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt == "u" and i + 5 < len(body):
                out.append(chr(int(body[i + 2 : i + 6], 16)))
                i += 6
                continue
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


_default = Lexer()


def tokenize(text: str) -> List[Token]:
    """Tokens of `text` with the default operators; always ends with an EOF token."""
    return _default.tokenize(text)
