"""Environments (filters, loaders, options) and compiled templates."""
from __future__ import annotations

import os
from typing import Any, Callable, Dict, Mapping, Optional

from .engine import Renderer, compile_template
from .errors import TemplateError
from .filters import BUILTIN_FILTERS


class Environment:
    """Shared settings: filters, where `{% include %}` finds templates, undefined handling.

    `strict_undefined` makes a missing name an error instead of an empty string;
    `autoescape` HTML-escapes every `{{ }}` output that is not marked safe."""

    def __init__(
        self,
        search_path: Optional[str] = None,
        *,
        filters: Optional[Mapping[str, Callable[..., Any]]] = None,
        strict_undefined: bool = False,
        autoescape: bool = False,
        trim_blocks: bool = False,
    ) -> None:
        self.search_path = search_path
        self.filters: Dict[str, Callable[..., Any]] = dict(BUILTIN_FILTERS)
        self.filters.update(filters or {})
        self.strict_undefined = strict_undefined
        self.autoescape = autoescape
        self.trim_blocks = trim_blocks
        self._cache: Dict[str, "Template"] = {}

    def from_string(self, source: str, name: Optional[str] = None) -> "Template":
        return Template(source, environment=self, name=name)

    def get_template(self, name: str) -> "Template":
        """The template file `name` under the search path, compiled once."""
        if name in self._cache:
            return self._cache[name]
        if not self.search_path:
            raise TemplateError(f"no search path to load {name!r} from")
        path = os.path.normpath(os.path.join(self.search_path, name))
        if not path.startswith(os.path.normpath(self.search_path) + os.sep):
            raise TemplateError(f"template {name!r} is outside the search path")
        try:
            with open(path, encoding="utf-8") as f:
                source = f.read()
        except OSError as e:
            raise TemplateError(f"cannot read template {name!r}: {e.strerror}") from None
        tpl = Template(source, environment=self, name=name)
        self._cache[name] = tpl
        return tpl

    def add_filter(self, name: str, fn: Callable[..., Any]) -> None:
        self.filters[name] = fn


_default_env = Environment()


class Template:
    """A compiled template; render it any number of times with different contexts."""

    def __init__(self, source: str, environment: Optional[Environment] = None, name: Optional[str] = None) -> None:
        self.environment = environment or _default_env
        self.name = name
        self.source = source
        self._root = compile_template(source, name=name, trim_blocks=self.environment.trim_blocks)

    def render(self, context: Optional[Mapping[str, Any]] = None, **kwargs: Any) -> str:
        values: Dict[str, Any] = dict(context or {})
        values.update(kwargs)
        renderer = Renderer(self.environment, values, name=self.name)
        return renderer.render(self._root)

    def __repr__(self) -> str:
        return f"<Template {self.name or 'from string'}>"
