"""Read settings from JSON or TOML text."""

import json


def load_json(text):
    return json.loads(text)


def load_toml(text):
    # Imported here so that JSON-only users do not pay for the TOML parser.
    import toml
    return toml.loads(text)
