"""Token kinds and the token record."""
from __future__ import annotations

import enum
from typing import NamedTuple


class TokenKind(enum.Enum):
    NUMBER = "number"
    NAME = "name"
    STRING = "string"
    OP = "op"
    LPAREN = "("
    RPAREN = ")"
    COMMA = ","
    NEWLINE = "newline"
    EOF = "end of input"


class Token(NamedTuple):
    kind: TokenKind
    text: str
    line: int
    column: int

    def is_op(self, *ops: str) -> bool:
        return self.kind is TokenKind.OP and self.text in ops

    def describe(self) -> str:
        if self.kind is TokenKind.EOF:
            return "end of input"
        if self.kind in (TokenKind.OP, TokenKind.LPAREN, TokenKind.RPAREN, TokenKind.COMMA):
            return repr(self.text)
        return f"{self.kind.value} {self.text!r}"
