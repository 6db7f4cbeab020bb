from cart import cart_total, item_count


def test_item_count():
    assert item_count([1, 2, 3]) == 6


def test_cart_total():
    assert cart_total([10.0, 5.5], 0.2) == 18.6
