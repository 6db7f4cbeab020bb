"""The engine: template source -> tokens -> a tree of nodes -> output text.

Syntax (a subset of Jinja's)::

    {{ expr | filter | filter(arg, ...) }}      output
    {% if expr %} ... {% elif expr %} ... {% else %} ... {% endif %}
    {% for name in expr %} ... {% else %} ... {% endfor %}
    {% for key, value in expr %} ... {% endfor %}
    {% set name = expr %}
    {% include "name.html" %}
    {# a comment #}

``{%-`` and ``-%}`` (also ``{{-``/``-}}``) strip the whitespace before or after
the tag. Expressions are literals (``"text"``, ``12``, ``1.5``, ``true``,
``false``, ``none``), dotted names (``user.name``, ``items.0``), comparisons,
``in``, ``not``, ``and``, ``or`` and parentheses.

Filter arguments are kept as source text and evaluated when the output is
rendered, so they can refer to the context (``{{ title | default(page.name) }}``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple, Union

from .errors import TemplateRenderError, TemplateSyntaxError, UndefinedError

# ---------------------------------------------------------------------------
# Tokens

TOKEN_RE = re.compile(r"({{-?|{%-?|{#)(.*?)(-?}}|-?%}|#})", re.S)

TEXT, OUTPUT, BLOCK, COMMENT = "text", "output", "block", "comment"

_CLOSERS = {"{{": "}}", "{%": "%}", "{#": "#}"}


@dataclass
class Token:
    kind: str
    value: str
    line: int
    strip_before: bool = False
    strip_after: bool = False


@dataclass
class Filter:
    """One filter of an output's chain: its name and its arguments' source text."""

    name: str
    args: List[str] = field(default_factory=list)


def tokenize(source: str, name: Optional[str] = None) -> List[Token]:
    """Splits the source into text and tag tokens, applying whitespace control."""
    tokens: List[Token] = []
    pos = 0
    line = 1
    for m in TOKEN_RE.finditer(source):
        opener, body, closer = m.group(1), m.group(2), m.group(3)
        if _CLOSERS[opener[:2]] != closer.lstrip("-"):
            raise TemplateSyntaxError(f"tag opened with {opener!r} closed with {closer!r}", line, name)
        if m.start() > pos:
            text = source[pos : m.start()]
            tokens.append(Token(TEXT, text, line))
            line += text.count("\n")
        kind = {"{{": OUTPUT, "{%": BLOCK, "{#": COMMENT}[opener[:2]]
        tokens.append(
            Token(kind, body.strip(), line, strip_before=opener.endswith("-"), strip_after=closer.startswith("-"))
        )
        line += m.group(0).count("\n")
        pos = m.end()
    if pos < len(source):
        rest = source[pos:]
        for opener in _CLOSERS:
            if opener in rest:
                raise TemplateSyntaxError(f"unclosed {opener!r}", line + rest[: rest.index(opener)].count("\n"), name)
        tokens.append(Token(TEXT, rest, line))
    _apply_whitespace_control(tokens)
    return tokens


def _apply_whitespace_control(tokens: List[Token]) -> None:
    for i, tok in enumerate(tokens):
        if tok.kind == TEXT:
            continue
        if tok.strip_before and i > 0 and tokens[i - 1].kind == TEXT:
            tokens[i - 1].value = tokens[i - 1].value.rstrip()
        if tok.strip_after and i + 1 < len(tokens) and tokens[i + 1].kind == TEXT:
            tokens[i + 1].value = tokens[i + 1].value.lstrip()


def split_filters(body: str, line: int, name: Optional[str] = None) -> Tuple[str, List[Filter]]:
    """``price | round(2) | currency("€")`` -> (``price``, [round ["2"], currency ['"€"']]).

    Pipes inside quotes or parentheses do not split."""
    parts = _split_top_level(body, "|")
    expr = parts[0].strip()
    if not expr:
        raise TemplateSyntaxError("empty expression in {{ }}", line, name)
    filters: List[Filter] = []
    for spec in parts[1:]:
        spec = spec.strip()
        if "(" not in spec:
            if not spec.isidentifier():
                raise TemplateSyntaxError(f"bad filter {spec!r}", line, name)
            filters.append(Filter(spec))
            continue
        open_ = spec.index("(")
        fname = spec[:open_].strip()
        if not fname.isidentifier() or not spec.endswith(")"):
            raise TemplateSyntaxError(f"bad filter call {spec!r}", line, name)
        inner = spec[open_ + 1 :]
        args = [a.strip() for a in _split_top_level(inner, ",") if a.strip()]
        filters.append(Filter(fname, args))
    return expr, filters


def _split_top_level(text: str, sep: str) -> List[str]:
    """Splits at `sep` outside quotes, parentheses and brackets."""
    parts: List[str] = []
    depth = 0
    quote = ""
    start = 0
    i = 0
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


# ---------------------------------------------------------------------------
# Expressions

_EXPR_TOKEN = re.compile(
    r"""\s*(?:
        (?P<num>\d+\.\d+|\d+)
      | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,)
      | (?P<name>[A-Za-z_][A-Za-z_0-9]*(?:\.[A-Za-z_0-9]+)*)
    )""",
    re.X,
)

_KEYWORDS = {"and", "or", "not", "in", "true", "false", "none", "True", "False", "None"}


def _expr_tokens(src: str, line: int, name: Optional[str]) -> List[Tuple[str, str]]:
    out: List[Tuple[str, str]] = []
    pos = 0
    src = src.rstrip()
    while pos < len(src):
        m = _EXPR_TOKEN.match(src, pos)
        if not m or m.end() == pos:
            raise TemplateSyntaxError(f"unexpected {src[pos:].strip()[:10]!r} in expression {src!r}", line, name)
        kind = m.lastgroup or ""
        text = m.group(kind)
        if kind == "name" and text in _KEYWORDS:
            kind = "kw"
        out.append((kind, text))
        pos = m.end()
    return out


class Expr:
    """A parsed expression; evaluate it against a context."""

    def __init__(self, src: str, line: int = 0, name: Optional[str] = None) -> None:
        self.src = src
        self.line = line
        self.name = name
        self._toks = _expr_tokens(src, line, name)
        self._i = 0
        if not self._toks:
            raise TemplateSyntaxError("empty expression", line, name)
        self.tree = self._or()
        if self._i != len(self._toks):
            raise TemplateSyntaxError(f"unexpected {self._toks[self._i][1]!r} in expression {src!r}", line, name)

    def _peek(self) -> Tuple[str, str]:
        return self._toks[self._i] if self._i < len(self._toks) else ("end", "")

    def _take(self) -> Tuple[str, str]:
        tok = self._peek()
        self._i += 1
        return tok

    def _or(self) -> Any:
        left = self._and()
        while self._peek() == ("kw", "or"):
            self._take()
            left = ("or", left, self._and())
        return left

    def _and(self) -> Any:
        left = self._not()
        while self._peek() == ("kw", "and"):
            self._take()
            left = ("and", left, self._not())
        return left

    def _not(self) -> Any:
        if self._peek() == ("kw", "not"):
            self._take()
            return ("not", self._not())
        return self._compare()

    def _compare(self) -> Any:
        left = self._atom()
        kind, text = self._peek()
        if kind == "op" and text in ("==", "!=", "<", ">", "<=", ">="):
            self._take()
            return ("cmp", text, left, self._atom())
        if (kind, text) == ("kw", "in"):
            self._take()
            return ("in", left, self._atom())
        if (kind, text) == ("kw", "not") and self._toks[self._i + 1 : self._i + 2] == [("kw", "in")]:
            self._i += 2
            return ("not", ("in", left, self._atom()))
        return left

    def _atom(self) -> Any:
        kind, text = self._take()
        if kind == "num":
            return ("lit", float(text) if "." in text else int(text))
        if kind == "str":
            return ("lit", bytes(text[1:-1], "utf-8").decode("unicode_escape"))
        if kind == "kw" and text.lower() in ("true", "false", "none"):
            return ("lit", {"true": True, "false": False, "none": None}[text.lower()])
        if kind == "name":
            return ("name", text)
        if (kind, text) == ("op", "("):
            inner = self._or()
            if self._take() != ("op", ")"):
                raise TemplateSyntaxError(f"missing ')' in expression {self.src!r}", self.line, self.name)
            return inner
        if (kind, text) == ("op", "["):
            items = []
            while self._peek() != ("op", "]"):
                items.append(self._or())
                if self._peek() == ("op", ","):
                    self._take()
                elif self._peek() != ("op", "]"):
                    raise TemplateSyntaxError(f"expected ',' or ']' in {self.src!r}", self.line, self.name)
            self._take()
            return ("list", items)
        raise TemplateSyntaxError(f"unexpected {text or 'end'!r} in expression {self.src!r}", self.line, self.name)


# ---------------------------------------------------------------------------
# Nodes and the parser


@dataclass
class Text:
    value: str


@dataclass
class Output:
    expr: Expr
    filters: List[Filter]
    line: int


@dataclass
class If:
    branches: List[Tuple[Expr, List["Node"]]]
    otherwise: List["Node"]


@dataclass
class For:
    targets: List[str]
    iterable: Expr
    body: List["Node"]
    otherwise: List["Node"]
    line: int


@dataclass
class Set:
    target: str
    expr: Expr


@dataclass
class Include:
    template: Expr
    line: int


Node = Union[Text, Output, If, For, Set, Include]

_FOR_RE = re.compile(r"for\s+([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)?)\s+in\s+(.+)$", re.S)
_SET_RE = re.compile(r"set\s+([A-Za-z_]\w*)\s*=\s*(.+)$", re.S)


class Parser:
    def __init__(self, tokens: List[Token], name: Optional[str] = None, trim_blocks: bool = False) -> None:
        self.tokens = tokens
        self.pos = 0
        self.name = name
        self.trim_blocks = trim_blocks

    def parse(self) -> List[Node]:
        nodes, end = self._nodes(())
        if end is not None:
            raise TemplateSyntaxError(f"unexpected {{% {end.value} %}}", end.line, self.name)
        return nodes

    def _nodes(self, stop: Tuple[str, ...]) -> Tuple[List[Node], Optional[Token]]:
        nodes: List[Node] = []
        while self.pos < len(self.tokens):
            tok = self.tokens[self.pos]
            self.pos += 1
            if tok.kind == TEXT:
                if tok.value:
                    nodes.append(Text(tok.value))
            elif tok.kind == COMMENT:
                continue
            elif tok.kind == OUTPUT:
                expr_src, filters = split_filters(tok.value, tok.line, self.name)
                nodes.append(Output(Expr(expr_src, tok.line, self.name), filters, tok.line))
            else:
                word = tok.value.split(None, 1)[0] if tok.value else ""
                if word in stop:
                    self._trim_after()
                    return nodes, tok
                nodes.append(self._block(tok, word))
        if stop:
            raise TemplateSyntaxError(f"missing {{% {stop[-1]} %}}", self.tokens[-1].line if self.tokens else 1, self.name)
        return nodes, None

    def _trim_after(self) -> None:
        if self.trim_blocks and self.pos < len(self.tokens) and self.tokens[self.pos].kind == TEXT:
            t = self.tokens[self.pos]
            if t.value.startswith("\n"):
                t.value = t.value[1:]

    def _block(self, tok: Token, word: str) -> Node:
        self._trim_after()
        if word == "if":
            return self._if(tok)
        if word == "for":
            m = _FOR_RE.match(tok.value)
            if not m:
                raise TemplateSyntaxError(f"bad for loop {tok.value!r}", tok.line, self.name)
            targets = [t.strip() for t in m.group(1).split(",")]
            body, end = self._nodes(("else", "endfor"))
            otherwise: List[Node] = []
            if end is not None and end.value == "else":
                otherwise, _ = self._nodes(("endfor",))
            return For(targets, Expr(m.group(2), tok.line, self.name), body, otherwise, tok.line)
        if word == "set":
            m = _SET_RE.match(tok.value)
            if not m:
                raise TemplateSyntaxError(f"bad set {tok.value!r}", tok.line, self.name)
            return Set(m.group(1), Expr(m.group(2), tok.line, self.name))
        if word == "include":
            return Include(Expr(tok.value[len("include") :], tok.line, self.name), tok.line)
        raise TemplateSyntaxError(f"unknown tag {word!r}", tok.line, self.name)

    def _if(self, tok: Token) -> If:
        branches: List[Tuple[Expr, List[Node]]] = []
        test = Expr(tok.value[2:], tok.line, self.name)
        while True:
            body, end = self._nodes(("elif", "else", "endif"))
            branches.append((test, body))
            assert end is not None
            if end.value.startswith("elif"):
                test = Expr(end.value[4:], end.line, self.name)
                continue
            if end.value == "else":
                otherwise, _ = self._nodes(("endif",))
                return If(branches, otherwise)
            return If(branches, [])


def compile_template(source: str, name: Optional[str] = None, trim_blocks: bool = False) -> List[Node]:
    """The node tree of a template; raises TemplateSyntaxError."""
    return Parser(tokenize(source, name), name, trim_blocks).parse()


# ---------------------------------------------------------------------------
# Rendering


class _Undefined:
    """What a missing name evaluates to without strict undefined: empty, falsy, iterable."""

    undefined = True

    def __init__(self, name: str) -> None:
        self.name = name

    def __str__(self) -> str:
        return ""

    def __bool__(self) -> bool:
        return False

    def __iter__(self) -> Iterator[Any]:
        return iter(())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Undefined) or other is None

    def __hash__(self) -> int:
        return 0


class Renderer:
    def __init__(self, environment: Any, context: Dict[str, Any], name: Optional[str] = None) -> None:
        self.env = environment
        self.scopes: List[Dict[str, Any]] = [context]
        self.name = name

    def render(self, nodes: List[Node]) -> str:
        out: List[str] = []
        self._render(nodes, out)
        return "".join(out)

    def _render(self, nodes: List[Node], out: List[str]) -> None:
        for node in nodes:
            if isinstance(node, Text):
                out.append(node.value)
            elif isinstance(node, Output):
                out.append(self._output(node))
            elif isinstance(node, If):
                for test, body in node.branches:
                    if self.eval(test):
                        self._render(body, out)
                        break
                else:
                    self._render(node.otherwise, out)
            elif isinstance(node, For):
                self._for(node, out)
            elif isinstance(node, Set):
                self.scopes[-1][node.target] = self.eval(node.expr)
            elif isinstance(node, Include):
                tpl = self.env.get_template(str(self.eval(node.template)))
                sub = Renderer(self.env, self._flat_scope(), name=tpl.name)
                out.append(sub.render(tpl._root))

    def _for(self, node: For, out: List[str]) -> None:
        items = self.eval(node.iterable)
        if isinstance(items, Mapping):
            items = list(items.items())
        items = list(items or [])
        if not items:
            self._render(node.otherwise, out)
            return
        for index, item in enumerate(items):
            scope: Dict[str, Any] = {
                "loop": {
                    "index": index + 1,
                    "index0": index,
                    "first": index == 0,
                    "last": index == len(items) - 1,
                    "length": len(items),
                }
            }
            if len(node.targets) == 1:
                scope[node.targets[0]] = item
            else:
                try:
                    a, b = item
                except (TypeError, ValueError):
                    raise TemplateRenderError(f"cannot unpack {item!r} into {', '.join(node.targets)}", node.line, self.name) from None
                scope[node.targets[0]], scope[node.targets[1]] = a, b
            self.scopes.append(scope)
            try:
                self._render(node.body, out)
            finally:
                self.scopes.pop()

    def _flat_scope(self) -> Dict[str, Any]:
        flat: Dict[str, Any] = {}
        for scope in self.scopes:
            flat.update(scope)
        return flat

    def _output(self, node: Output) -> str:
        value = self.eval(node.expr)
        for f in node.filters:
            value = self._call_filter(f, value, node.line)
        if isinstance(value, _Undefined) or value is None:
            return ""
        text = str(value)
        if self.env.autoescape and not getattr(value, "__html__", None):
            from html import escape

            text = escape(text)
        return text

    def _call_filter(self, f: Filter, value: Any, line: int) -> Any:
        try:
            fn = self.env.filters[f.name]
        except KeyError:
            raise TemplateRenderError(f"unknown filter {f.name!r}", line, self.name) from None
        args = []
        for src in f.args:
            try:
                args.append(self.eval(Expr(src, line, self.name)))
            except TemplateSyntaxError:
                raise TemplateRenderError(f"filter {f.name!r} got a bad argument {src!r}", line, self.name) from None
        try:
            return fn(value, *args)
        except (TypeError, ValueError, ArithmeticError) as e:
            raise TemplateRenderError(f"filter {f.name!r} failed on {value!r}: {e}", line, self.name) from None

    def lookup(self, dotted: str) -> Any:
        head, *rest = dotted.split(".")
        for scope in reversed(self.scopes):
            if head in scope:
                value = scope[head]
                break
        else:
            if self.env.strict_undefined:
                raise UndefinedError(f"{head!r} is undefined", None, self.name)
            return _Undefined(dotted)
        for part in rest:
            value = self._attr(value, part, dotted)
        return value

    def _attr(self, value: Any, part: str, dotted: str) -> Any:
        if isinstance(value, Mapping) and part in value:
            return value[part]
        if part.isdigit() and isinstance(value, (list, tuple)) and int(part) < len(value):
            return value[int(part)]
        if not part.startswith("_") and hasattr(value, part):
            return getattr(value, part)
        if self.env.strict_undefined:
            raise UndefinedError(f"{dotted!r} is undefined", None, self.name)
        return _Undefined(dotted)

    def eval(self, expr: Expr) -> Any:
        return self._eval(expr.tree)

    def _eval(self, node: Any) -> Any:
        op = node[0]
        if op == "lit":
            return node[1]
        if op == "name":
            return self.lookup(node[1])
        if op == "list":
            return [self._eval(n) for n in node[1]]
        if op == "not":
            return not self._eval(node[1])
        if op == "and":
            return self._eval(node[1]) and self._eval(node[2])
        if op == "or":
            return self._eval(node[1]) or self._eval(node[2])
        if op == "in":
            return self._eval(node[1]) in self._eval(node[2])
        if op == "cmp":
            a, b = self._eval(node[2]), self._eval(node[3])
            try:
                return {
                    "==": lambda: a == b,
                    "!=": lambda: a != b,
                    "<": lambda: a < b,
                    ">": lambda: a > b,
                    "<=": lambda: a <= b,
                    ">=": lambda: a >= b,
                }[node[1]]()
            except TypeError:
                raise TemplateRenderError(f"cannot compare {a!r} {node[1]} {b!r}", None, self.name) from None
        raise TemplateRenderError(f"cannot evaluate {node!r}", None, self.name)
