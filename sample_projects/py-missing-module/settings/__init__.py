from settings.loader import load_json, load_toml
