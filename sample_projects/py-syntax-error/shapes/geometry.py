"""Areas of simple shapes."""


def rectangle_area(width, height)
    return width * height


def square_area(side):
    return rectangle_area(side, side)
