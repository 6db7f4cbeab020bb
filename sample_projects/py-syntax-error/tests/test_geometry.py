from shapes.geometry import rectangle_area, square_area


def test_rectangle_area():
    assert rectangle_area(2, 3) == 6


def test_square_area():
    assert square_area(4) == 16
