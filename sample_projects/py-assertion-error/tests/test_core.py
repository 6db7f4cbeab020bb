from greet import greeting, shout


def test_greeting():
    assert greeting("Ada") == "Hello, Ada!"


def test_shout():
    assert shout("stop") == "STOP!"
