from series import deltas, pairs


def test_pairs_empty():
    assert pairs([]) == []


def test_pairs():
    assert pairs([1, 2, 3]) == [(1, 2), (2, 3)]


def test_deltas():
    assert deltas([1, 4, 6]) == [3, 2]
