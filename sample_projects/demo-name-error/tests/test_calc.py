from calc import count, total


def test_count():
    assert count([10.0, 5.5]) == 2


def test_total():
    assert total([10.0, 5.5], 0.2) == 18.6
