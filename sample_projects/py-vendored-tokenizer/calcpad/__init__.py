"""calcpad: safe arithmetic for configuration values and notebooks.

    >>> from calcpad import evaluate
    >>> evaluate("price * (1 + vat)", price=100, vat=0.2)
    120.0
"""
from typing import Any

from .evaluator import EvalError, Evaluator
from .parser import ParseError, names, parse

__all__ = ["EvalError", "Evaluator", "ParseError", "evaluate", "names", "parse"]


def evaluate(expression: str, **variables: Any) -> Any:
    """The value of `expression` with these variables; raises ParseError or EvalError."""
    return Evaluator(variables).eval(parse(expression))
