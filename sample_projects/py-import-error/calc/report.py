"""Invoice totals."""

from calc.core import add, multply


def line_total(quantity, unit_price):
    return multiply(quantity, unit_price)


def invoice_total(lines):
    total = 0
    for quantity, unit_price in lines:
        total = add(total, line_total(quantity, unit_price))
    return total
