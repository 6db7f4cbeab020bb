import pytest
from calc import total, mean
from calc.core import Stats


@pytest.fixture
def data():
    return [1, 2, None, 3]


def test_total(data):
    assert total(data) == 6


def test_mean(data):
    assert mean(data) == 2


def test_mean_empty():
    with pytest.raises(ValueError):
        mean([None])


class TestStats:
    def test_spread(self, data):
        assert Stats(data).spread == 2
