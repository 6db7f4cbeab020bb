import math

import pytest

from calcpad import EvalError, ParseError, evaluate, names


def test_precedence_and_power():
    assert evaluate("1 + 2 * 3") == 7
    assert evaluate("2 ** 3 ** 2") == 512
    assert evaluate("-2 ^ 2") == -4


def test_variables_and_functions():
    assert evaluate("price * (1 + vat)", price=100, vat=0.2) == pytest.approx(120.0)
    assert evaluate("clamp(x, 0, 10)", x=14) == 10
    assert evaluate("round(pi, 2)") == 3.14


def test_scientific_notation():
    assert evaluate("2.5e3") == 2500
    assert evaluate("tolerance * 2", tolerance=1e-4) == pytest.approx(2e-4)


def test_negative_exponents():
    assert evaluate("1.5e-3 * 2") == pytest.approx(0.003)


def test_conditional():
    assert evaluate("n > 1 ? 'items' : 'item'", n=3) == "items"


def test_errors():
    with pytest.raises(EvalError, match="division by zero"):
        evaluate("1 / (x - x)", x=2)
    with pytest.raises(ParseError, match="expected an expression"):
        evaluate("1 + * 2")


def test_names():
    assert names(parse_("a + b * a")) == ("a", "b")


def parse_(text):
    from calcpad import parse

    return parse(text)
