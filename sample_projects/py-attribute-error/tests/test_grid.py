from geometry import distance, snap_down


def test_distance():
    assert distance((0, 0), (3, 4)) == 5


def test_snap_down():
    assert snap_down(17, 5) == 15


def test_snap_down_negative():
    assert snap_down(-1, 5) == -5
