"""The formats synopsis reads: one table, and what is asked of it.

Every place that knows the formats reads :data:`FORMATS`: the readers'
dispatch (:func:`~synopsis.readers.core.read_file`), folder expansion and its
"unsupported format" message (:mod:`.files`), the web upload path and upload
page, and the CLI help. Adding a format is one row here.

::

    from synopsis.readers.formats import FORMATS, format_for, suffixes

    format_for("corpus/feed.RSS").name   # "rss"
    suffixes()                           # (".txt", ".md", ".html", ...)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .feed import read_feed
from .fields import Outcome
from .html import read_html
from .structured import read_csv, read_json, read_jsonl
from .text import read_markdown, read_txt
from .warc import read_warc

Reader = Callable[[bytes, str, str], Iterable[Outcome]]
"""A format reader: ``(data, input name, path) -> outcomes``, one per record."""


@dataclass(frozen=True, slots=True)
class Format:
    """One input format: its short name, the file suffixes it is read from, its reader.

    ``suffixes`` are lower case and matched case-insensitively, the longest
    first (``.warc.gz`` before any ``.gz``). ``binary`` formats are not text,
    so the binary-content check does not apply to them.
    """

    name: str
    suffixes: tuple[str, ...]
    reader: Reader
    description: str
    binary: bool = False


FORMATS: tuple[Format, ...] = (
    Format("txt", (".txt",), read_txt, "plain text, an optional title line first"),
    Format("md", (".md",), read_markdown, "Markdown, an optional heading as the title"),
    Format("html", (".html", ".htm"), read_html, "a web page, its article text extracted"),
    Format("jsonl", (".jsonl",), read_jsonl, "JSON Lines: one article record per line"),
    Format("json", (".json",), read_json, "article records (one, or a list of them)"),
    Format("csv", (".csv",), read_csv, "a table with a header row, one article per row"),
    Format(
        "rss", (".xml", ".rss", ".atom"), read_feed, "an RSS or Atom feed, one article per item"
    ),
    Format(
        "warc",
        (".warc", ".warc.gz"),
        read_warc,
        "a web archive (WARC), one article per HTML response",
        binary=True,
    ),
)
"""Every format synopsis reads, in the order help texts and messages list them."""

READERS: Mapping[str, Reader] = MappingProxyType(
    {suffix: fmt.reader for fmt in FORMATS for suffix in fmt.suffixes}
)
"""The reader of each suffix (``".txt"`` → :func:`~.text.read_txt`), read-only."""

BINARY_SUFFIXES: frozenset[str] = frozenset(
    suffix for fmt in FORMATS if fmt.binary for suffix in fmt.suffixes
)
"""The suffixes of the formats whose files are not text."""

_BY_SUFFIX: Mapping[str, Format] = MappingProxyType(
    {suffix: fmt for fmt in FORMATS for suffix in fmt.suffixes}
)
_LONGEST_FIRST: tuple[str, ...] = tuple(sorted(_BY_SUFFIX, key=len, reverse=True))


def suffixes() -> tuple[str, ...]:
    """Every suffix of every format, in table order: ``(".txt", ".md", ".html", ...)``."""
    return tuple(_BY_SUFFIX)


def names() -> tuple[str, ...]:
    """The short name of every format, in table order: ``("txt", "md", ...)``."""
    return tuple(fmt.name for fmt in FORMATS)


def suffix_of(path: str | os.PathLike[str]) -> str | None:
    """The format suffix that the file name of ``path`` ends with, lower case, else ``None``.

    Case-insensitive and longest first, so ``a.WARC.GZ`` is ``".warc.gz"``; a
    name that is only the suffix (``.txt``) has none.
    """
    name = os.path.basename(os.fspath(path)).lower()
    for suffix in _LONGEST_FIRST:
        if name.endswith(suffix) and len(name) > len(suffix):
            return suffix
    return None


def format_for(path: str | os.PathLike[str]) -> Format | None:
    """The format of the file ``path`` names (by its suffix), else ``None``."""
    suffix = suffix_of(path)
    return None if suffix is None else _BY_SUFFIX[suffix]


def describe(*, verbose: bool = False) -> str:
    """The formats for a help text.

    ``"txt, md, html, jsonl, json, csv, rss, warc"``; with ``verbose``, one
    line per format with its suffixes and description.
    """
    if not verbose:
        return ", ".join(names())
    return "\n".join(
        f"{fmt.name} ({', '.join(fmt.suffixes)}): {fmt.description}" for fmt in FORMATS
    )


__all__ = [
    "BINARY_SUFFIXES",
    "FORMATS",
    "READERS",
    "Format",
    "Reader",
    "describe",
    "format_for",
    "names",
    "suffix_of",
    "suffixes",
]
