"""Evaluating syntax trees against variables and a table of functions."""
from __future__ import annotations

import math
import operator
from typing import Any, Callable, Dict, Mapping, Optional

from .nodes import Binary, Call, Cond, Node, Num, Str, Unary, Var


class EvalError(ValueError):
    pass


def _div(a: float, b: float) -> float:
    if b == 0:
        raise EvalError("division by zero")
    return a / b


def _floordiv(a: float, b: float) -> float:
    if b == 0:
        raise EvalError("division by zero")
    return a // b


def _mod(a: float, b: float) -> float:
    if b == 0:
        raise EvalError("division by zero")
    return a % b


BINARY: Dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": _div,
    "//": _floordiv,
    "%": _mod,
    "**": operator.pow,
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}

FUNCTIONS: Dict[str, Callable[..., Any]] = {
    "abs": abs,
    "min": min,
    "max": max,
    "round": round,
    "sqrt": math.sqrt,
    "log": math.log,
    "log10": math.log10,
    "exp": math.exp,
    "floor": math.floor,
    "ceil": math.ceil,
    "pct": lambda value, percent: value * percent / 100,
    "clamp": lambda x, lo, hi: max(lo, min(hi, x)),
}

CONSTANTS: Dict[str, float] = {"pi": math.pi, "e": math.e, "tau": math.tau}


class Evaluator:
    def __init__(self, variables: Optional[Mapping[str, Any]] = None, functions: Optional[Mapping[str, Callable[..., Any]]] = None) -> None:
        self.variables: Dict[str, Any] = dict(CONSTANTS)
        self.variables.update(variables or {})
        self.functions: Dict[str, Callable[..., Any]] = dict(FUNCTIONS)
        self.functions.update(functions or {})

    def eval(self, node: Node) -> Any:
        if isinstance(node, Num):
            return int(node.value) if node.value.is_integer() and abs(node.value) < 2**53 else node.value
        if isinstance(node, Str):
            return node.value
        if isinstance(node, Var):
            try:
                return self.variables[node.name]
            except KeyError:
                raise EvalError(f"unknown variable {node.name!r}") from None
        if isinstance(node, Unary):
            value = self.eval(node.operand)
            if node.op == "-":
                return -value
            if node.op == "!":
                return not value
            return +value
        if isinstance(node, Binary):
            if node.op == "&&":
                return self.eval(node.left) and self.eval(node.right)
            if node.op == "||":
                return self.eval(node.left) or self.eval(node.right)
            return BINARY[node.op](self.eval(node.left), self.eval(node.right))
        if isinstance(node, Cond):
            return self.eval(node.then) if self.eval(node.test) else self.eval(node.otherwise)
        if isinstance(node, Call):
            try:
                fn = self.functions[node.name]
            except KeyError:
                raise EvalError(f"unknown function {node.name!r}") from None
            return fn(*(self.eval(a) for a in node.args))
        raise EvalError(f"cannot evaluate {node!r}")
