"""The report: the ``synopsis.report/1`` contract and its renderers.

- :mod:`.contract`: :class:`Report` and its JSON contract (``docs/report-schema.md``);
- :mod:`.markdown`, :mod:`.html`: renderers over the contract dict, so every
  renderer reads the same fields and none imports the report type.
"""

from __future__ import annotations

from .contract import SCHEMA, Report
from .html import render_html
from .markdown import render_markdown

__all__ = ["SCHEMA", "Report", "render_html", "render_markdown"]
