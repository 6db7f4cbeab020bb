"""Expressions to syntax trees: a Pratt parser over tinylex tokens.

Precedence, loosest first: ``?:``, ``||``, ``&&``, comparisons, ``+ -``,
``* / // %``, unary ``- + !``, ``**``/``^`` (right-associative), calls and atoms.
"""
from __future__ import annotations

from typing import List, Tuple

from ._vendor.tinylex import LexError, Token, TokenKind, tokenize
from .nodes import Binary, Call, Cond, Node, Num, Str, Unary, Var

# operator -> (left binding power, right binding power)
INFIX = {
    "||": (3, 4),
    "&&": (5, 6),
    "==": (7, 8), "!=": (7, 8), "<": (7, 8), "<=": (7, 8), ">": (7, 8), ">=": (7, 8),
    "+": (9, 10), "-": (9, 10),
    "*": (11, 12), "/": (11, 12), "//": (11, 12), "%": (11, 12),
    "**": (16, 15), "^": (16, 15),
}
PREFIX = {"-": 13, "+": 13, "!": 13}
TERNARY = 2


class ParseError(ValueError):
    def __init__(self, message: str, token: Token) -> None:
        super().__init__(f"{message} at column {token.column}")
        self.token = token


class Parser:
    def __init__(self, text: str) -> None:
        try:
            self.tokens: List[Token] = tokenize(text)
        except LexError as e:
            raise ParseError(str(e).rsplit(" at line", 1)[0], Token(TokenKind.EOF, "", e.line, e.column)) from e
        self.pos = 0

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        tok = self.tokens[self.pos]
        if tok.kind is not TokenKind.EOF:
            self.pos += 1
        return tok

    def expect(self, kind: TokenKind, text: str = "") -> Token:
        tok = self.peek()
        if tok.kind is not kind or (text and tok.text != text):
            wanted = repr(text) if text else kind.value
            raise ParseError(f"expected {wanted}, found {tok.describe()}", tok)
        return self.advance()

    def parse(self) -> Node:
        node = self.expression(0)
        self.expect(TokenKind.EOF)
        return node

    def expression(self, min_bp: int) -> Node:
        left = self.prefix()
        while True:
            tok = self.peek()
            if tok.is_op("?") and TERNARY >= min_bp:
                self.advance()
                then = self.expression(0)
                self.expect(TokenKind.OP, ":")
                otherwise = self.expression(TERNARY)
                left = Cond(left, then, otherwise)
                continue
            if tok.kind is not TokenKind.OP or tok.text not in INFIX:
                return left
            lbp, rbp = INFIX[tok.text]
            if lbp < min_bp:
                return left
            self.advance()
            right = self.expression(rbp)
            left = Binary("**" if tok.text == "^" else tok.text, left, right)

    def prefix(self) -> Node:
        tok = self.advance()
        if tok.kind is TokenKind.NUMBER:
            return Num(float(tok.text))
        if tok.kind is TokenKind.STRING:
            return Str(tok.text)
        if tok.kind is TokenKind.NAME:
            if self.peek().kind is TokenKind.LPAREN:
                return self.call(tok)
            return Var(tok.text)
        if tok.kind is TokenKind.LPAREN:
            node = self.expression(0)
            self.expect(TokenKind.RPAREN)
            return node
        if tok.kind is TokenKind.OP and tok.text in PREFIX:
            return Unary(tok.text, self.expression(PREFIX[tok.text]))
        raise ParseError(f"expected an expression, found {tok.describe()}", tok)

    def call(self, name: Token) -> Node:
        self.expect(TokenKind.LPAREN)
        args: List[Node] = []
        if self.peek().kind is not TokenKind.RPAREN:
            args.append(self.expression(0))
            while self.peek().kind is TokenKind.COMMA:
                self.advance()
                args.append(self.expression(0))
        self.expect(TokenKind.RPAREN)
        return Call(name.text, tuple(args))


def parse(text: str) -> Node:
    """The syntax tree of one expression; raises ParseError."""
    return Parser(text).parse()


def names(node: Node) -> Tuple[str, ...]:
    """The variable names an expression reads, in order of first use."""
    seen: List[str] = []

    def walk(n: Node) -> None:
        if isinstance(n, Var) and n.name not in seen:
            seen.append(n.name)
        elif isinstance(n, Unary):
            walk(n.operand)
        elif isinstance(n, Binary):
            walk(n.left)
            walk(n.right)
        elif isinstance(n, Call):
            for a in n.args:
                walk(a)
        elif isinstance(n, Cond):
            walk(n.test)
            walk(n.then)
            walk(n.otherwise)

    walk(node)
    return tuple(seen)
