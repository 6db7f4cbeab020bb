import textwrap

import pytest

from inifile import Config, ExtendedInterpolation, NoOptionError, NoSectionError, loads

SITE = textwrap.dedent(
    """\
    # deployment settings
    [DEFAULT]
    owner = ops

    [server]
    host = example.org        ; the public name
    port: 8080
    debug = off
    workers = 0x10
    timeout = 1m30s

    [links]
    docs = https://example.org/docs#install
    issues = https://example.org/issues ; tracker

    [motd]
    text = Welcome to
        the example server.

        Be nice.
    """
)


def test_sections_keep_their_order():
    cfg = loads(SITE)
    assert cfg.sections() == ["server", "links", "motd"]


def test_typed_getters():
    cfg = loads(SITE)
    assert cfg.getint("server", "port") == 8080
    assert cfg.getint("server", "workers") == 16
    assert cfg.getboolean("server", "debug") is False
    assert cfg.getduration("server", "timeout") == 90.0


def test_inline_comment_after_whitespace_is_dropped():
    cfg = loads(SITE)
    assert cfg["server"]["host"] == "example.org"
    assert cfg["links"]["issues"] == "https://example.org/issues"


def test_inline_comment_prefix_inside_a_value_is_kept():
    cfg = loads(SITE)
    assert cfg["links"]["docs"] == "https://example.org/docs#install"


def test_multiline_value_keeps_blank_lines():
    cfg = loads(SITE)
    assert cfg["motd"]["text"] == "Welcome to\nthe example server.\n\nBe nice."


def test_defaults_are_visible_everywhere():
    cfg = loads(SITE)
    assert cfg["links"]["owner"] == "ops"
    assert "owner" in cfg.options("server")


def test_missing_section_and_option():
    cfg = loads(SITE)
    with pytest.raises(NoSectionError):
        cfg.get("nope", "x")
    with pytest.raises(NoOptionError):
        cfg.get("server", "nope")
    assert cfg.get("server", "nope", fallback="d") == "d"


def test_extended_interpolation_across_sections():
    cfg = loads(
        "[paths]\nroot = /srv\n\n[app]\nlogs = ${paths:root}/logs\n",
        interpolation=ExtendedInterpolation(),
    )
    assert cfg["app"]["logs"] == "/srv/logs"


def test_write_reads_back():
    cfg = Config()
    cfg.read_dict({"a": {"x": "1", "y": "two\nlines"}})
    again = loads(cfg.dumps())
    assert again["a"]["y"] == "two\nlines"
