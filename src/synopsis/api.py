"""The one-call Python API."""

from __future__ import annotations

from collections.abc import Iterable

from .config import Settings
from .embed import Embedder
from .pipeline import InputItem, Pipeline, Progress
from .report import Report


def digest(
    items: Iterable[InputItem] | InputItem,
    summary_words: int | None = None,
    *,
    settings: Settings | None = None,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
) -> Report:
    """Read ``items`` and return the report: stories, cited digests, copies, failures.

    ``items`` are paths (files or folders) or dicts with the article fields
    ``id, url, outlet, title, published, language, text``; a single path or
    dict is taken as a list of one. Inputs that cannot be read are listed in
    ``Report.failures`` with their reason; they never stop the run.
    """
    if isinstance(items, (str, dict)) or hasattr(items, "__fspath__"):
        items = [items]  # type: ignore[list-item]
    settings = (settings or Settings()).with_summary_words(summary_words)
    return Pipeline(settings, embedder).run(items, progress)
