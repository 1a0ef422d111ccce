"""The readers stage: files, folders and records in, :class:`~synopsis.records.Article` out.

::

    from synopsis.readers import read_inputs

    result = read_inputs(["corpus/", "extra.jsonl", {"title": "…", "text": "…"}])
    result.articles   # list[Article], in input order
    result.failures   # list[Failure]: inputs that could not be read, and why
    result.skipped    # list[Skip]: inputs deliberately left out (repeats)

One bad input never sinks the batch: every file, record and item ends up as an
article, a failure or a skip. The formats are one table, :data:`FORMATS` (in
:mod:`.formats`, with :func:`format_for`, :func:`suffixes` and :func:`describe`);
every place that lists them reads it. One module per format:

* :mod:`.text`        ``.txt`` and ``.md``
* :mod:`.html`        ``.html`` and ``.htm`` (trafilatura, with a ``<p>`` fallback)
* :mod:`.structured`  ``.jsonl``, ``.json``, ``.csv`` and dict items
* :mod:`.feed`        ``.xml``, ``.rss``, ``.atom`` (feedparser, imported lazily)
* :mod:`.warc`        ``.warc`` and ``.warc.gz`` (warcio, imported lazily)
* :mod:`.web`         ``http(s)://`` URLs: a page, or a feed and its entries' pages
  (:class:`~.web.WebReader`, through :class:`synopsis.fetch.Fetcher`)
"""

from __future__ import annotations

from .core import ReadResult, collect_outcomes, is_url, read_inputs
from .fields import parse_published
from .files import SUPPORTED_EXTENSIONS, iter_input_files
from .formats import FORMATS, Format, describe, format_for, suffixes

__all__ = [
    "FORMATS",
    "SUPPORTED_EXTENSIONS",
    "Format",
    "ReadResult",
    "collect_outcomes",
    "describe",
    "format_for",
    "is_url",
    "iter_input_files",
    "parse_published",
    "read_inputs",
    "suffixes",
]
