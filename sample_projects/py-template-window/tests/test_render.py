import pytest

from tinytpl import Environment, Template, TemplateSyntaxError, UndefinedError


def render(source, **ctx):
    return Template(source).render(**ctx)


def test_output_and_simple_filters():
    assert render("Hello {{ name | title }}!", name="ada lovelace") == "Hello Ada Lovelace!"
    assert render("{{ tags | join }}", tags=["a", "b"]) == "ab"


def test_conditions_and_loops():
    src = "{% for item in items %}{{ loop.index }}.{{ item.name }}{% if not loop.last %}, {% endif %}{% else %}none{% endfor %}"
    assert render(src, items=[{"name": "tea"}, {"name": "milk"}]) == "1.tea, 2.milk"
    assert render(src, items=[]) == "none"


def test_whitespace_control():
    src = "<ul>\n  {%- for x in xs %}\n  <li>{{ x }}</li>\n  {%- endfor %}\n</ul>"
    assert render(src, xs=[1, 2]) == "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>"


def test_filters_with_arguments():
    src = "{{ price | round(1) }} / {{ blurb | truncate(12) }} / {{ missing | default('n/a') }}"
    assert render(src, price=2.449, blurb="a rather long sentence") == "2.4 / a rather... / n/a"


def test_set_and_comparisons():
    assert render("{% set n = 3 %}{% if n >= 2 and 'x' in xs %}many{% endif %}", xs=["x"]) == "many"


def test_strict_undefined():
    env = Environment(strict_undefined=True)
    with pytest.raises(UndefinedError):
        env.from_string("{{ nope }}").render()


def test_syntax_errors_name_the_line():
    with pytest.raises(TemplateSyntaxError, match="line 2"):
        Template("ok\n{% if x %}never closed")
