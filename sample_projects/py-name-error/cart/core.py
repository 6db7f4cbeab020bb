"""Shopping cart arithmetic."""


def item_count(quantities):
    return sum(quantities)


def cart_total(prices, tax_rate):
    """Sum of the prices with tax, rounded to cents."""
    total = sum(prices)
    return round(totl * (1 + tax_rate), 2)
