"""Errors raised while compiling or rendering a template."""
from typing import Optional


class TemplateError(Exception):
    def __init__(self, message: str, line: Optional[int] = None, name: Optional[str] = None) -> None:
        self.message = message
        self.line = line
        self.name = name
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.name or self.line:
            where = f" ({self.name or '<template>'}{f', line {self.line}' if self.line else ''})"
        return self.message + where


class TemplateSyntaxError(TemplateError):
    """The template's source is not valid."""


class TemplateRenderError(TemplateError):
    """Rendering failed: a filter raised, or a value has the wrong type."""


class UndefinedError(TemplateRenderError):
    """A name the template uses is not in the context (with strict undefined)."""
