from invoice import format_total, format_vat


def test_format_vat():
    assert format_vat(0.2) == "VAT 20%"


def test_format_total():
    assert format_total(120) == "Total: 120 EUR"
