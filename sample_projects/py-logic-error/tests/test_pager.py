from pager import page_count, page_slice


def test_page_count_exact():
    assert page_count(9, 3) == 3


def test_page_count_partial_last_page():
    assert page_count(10, 3) == 4


def test_page_slice():
    assert page_slice(list(range(10)), 4, 3) == [9]
