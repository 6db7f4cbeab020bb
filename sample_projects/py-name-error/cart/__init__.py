from cart.core import cart_total, item_count
