"""The web pages' templates and static assets.

Pages are rendered on the server with Jinja2, autoescaping on (the report's
environment plus the ``seg`` filter). Static files are read once from the
package and held in memory: no request path reaches the file system.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import quote

from jinja2 import Environment

from ..report.html import environment as html_environment


def path_segment(value: object) -> str:
    """``value`` quoted for use as one URL path segment (slashes too)."""
    return quote(str(value), safe="")


def environment() -> Environment:
    """The web templates' environment: the report's, plus the ``seg`` filter."""
    return html_environment((("seg", path_segment),))


def render(template: str, **context: Any) -> str:
    """The page ``templates/web/<template>`` rendered with ``context``."""
    return environment().get_template(f"web/{template}").render(**context)


def error_page(status: int, title: str, detail: str) -> str:
    """The HTML error page (``error.html.j2``)."""
    return render("error.html.j2", status=status, title=title, detail=detail)


@lru_cache(maxsize=1)
def static_files() -> Mapping[str, tuple[bytes, str]]:
    """The static assets by name, read once from the package: ``(bytes, media type)``."""
    folder = resources.files("synopsis.web") / "static"
    return {
        "web.css": ((folder / "web.css").read_bytes(), "text/css; charset=utf-8"),
        "web.js": ((folder / "web.js").read_bytes(), "text/javascript; charset=utf-8"),
    }


__all__ = ["environment", "error_page", "path_segment", "render", "static_files"]
