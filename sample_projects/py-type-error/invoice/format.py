"""Text for invoice footers."""


def format_vat(rate):
    return f"VAT {rate:.0%}"


def format_total(amount, currency="EUR"):
    return "Total: " + amount + " " + currency
