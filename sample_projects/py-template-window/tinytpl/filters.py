"""The built-in filters: `{{ value | name(args) }}` calls `name(value, *args)`."""
from __future__ import annotations

import html
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable, Dict, Iterable, Optional


def _round(value: Any, precision: int = 0, method: str = "common") -> float:
    if method == "common":
        q = Decimal(1).scaleb(-precision)
        return float(Decimal(str(value)).quantize(q, rounding=ROUND_HALF_UP))
    if method == "floor":
        return float(Decimal(str(value)).quantize(Decimal(1).scaleb(-precision), rounding="ROUND_FLOOR"))
    if method == "ceil":
        return float(Decimal(str(value)).quantize(Decimal(1).scaleb(-precision), rounding="ROUND_CEILING"))
    raise ValueError(f"unknown rounding method {method!r}")


def _truncate(value: Any, length: int = 255, end: str = "...") -> str:
    s = str(value)
    if len(s) <= length:
        return s
    cut = s[: max(0, length - len(end))]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut + end


def _default(value: Any, fallback: Any = "", boolean: bool = False) -> Any:
    # A name missing from the context renders as an "undefined" value (see engine._Undefined).
    if value is None or getattr(value, "undefined", False) or (boolean and not value):
        return fallback
    return value


def _join(value: Iterable[Any], sep: str = "", attribute: Optional[str] = None) -> str:
    items = value
    if attribute:
        items = (getattr(v, attribute, None) if not isinstance(v, dict) else v.get(attribute) for v in value)
    return sep.join(str(v) for v in items)


def _currency(value: Any, symbol: str = "$", places: int = 2) -> str:
    amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol}{abs(amount):,.{places}f}"


def _pluralize(count: Any, singular: str = "", plural: str = "s") -> str:
    return singular if count == 1 else plural


BUILTIN_FILTERS: Dict[str, Callable[..., Any]] = {
    "upper": lambda v: str(v).upper(),
    "lower": lambda v: str(v).lower(),
    "title": lambda v: str(v).title(),
    "capitalize": lambda v: str(v).capitalize(),
    "trim": lambda v: str(v).strip(),
    "length": len,
    "first": lambda v: next(iter(v), None),
    "last": lambda v: list(v)[-1] if v else None,
    "sort": lambda v, reverse=False: sorted(v, reverse=reverse),
    "escape": lambda v: html.escape(str(v)),
    "e": lambda v: html.escape(str(v)),
    "round": _round,
    "truncate": _truncate,
    "default": _default,
    "d": _default,
    "join": _join,
    "currency": _currency,
    "pluralize": _pluralize,
    "replace": lambda v, old, new: str(v).replace(old, new),
}
