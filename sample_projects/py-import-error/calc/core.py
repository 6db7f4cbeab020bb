"""Arithmetic used by the invoice report."""


def add(a, b):
    return a + b


def multiply(a, b):
    return a * b
