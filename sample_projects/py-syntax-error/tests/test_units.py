import pytest

from shapes.units import inches_to_cm


def test_inches_to_cm():
    assert inches_to_cm(10) == pytest.approx(25.4)
