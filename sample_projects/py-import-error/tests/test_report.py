from calc.report import invoice_total


def test_invoice_total():
    assert invoice_total([(2, 5), (1, 7)]) == 17
