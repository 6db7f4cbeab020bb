"""tinytpl: a small template engine with Jinja's syntax for the common cases.

    >>> from tinytpl import Template
    >>> Template("Hello {{ name | title }}!").render(name="ada")
    'Hello Ada!'
"""
from .errors import TemplateError, TemplateRenderError, TemplateSyntaxError, UndefinedError
from .template import Environment, Template

__all__ = [
    "Environment",
    "Template",
    "TemplateError",
    "TemplateRenderError",
    "TemplateSyntaxError",
    "UndefinedError",
]
