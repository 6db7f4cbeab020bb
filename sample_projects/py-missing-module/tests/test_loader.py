from settings import load_json, load_toml


def test_load_json():
    assert load_json('{"retries": 3}') == {"retries": 3}


def test_load_toml():
    assert load_toml('retries = 3\nname = "ci"\n') == {"retries": 3, "name": "ci"}
