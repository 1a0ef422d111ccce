"""Is a fetched page an article (HTML), a feed (RSS, Atom, JSON Feed) or something else?

Servers label feeds many ways (``application/rss+xml``, ``text/xml``,
``application/xml``, even ``text/html`` or ``text/plain``), so the first
element of the body decides where it is a feed's or a page's, and the content
type otherwise (an HTML fragment, a feed behind junk).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .fetcher import FetchResult

PageKind = Literal["html", "feed", "other"]

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
    }
)
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_FEED_ROOTS = frozenset({"rss", "feed", "rdf"})  # RSS 2.0, Atom, RSS 1.0 (rdf:RDF)
_SNIFF_BYTES = 2048
# The XML declaration, processing instructions, comments and a doctype, before the first element.
_PROLOG = re.compile(r"(?:\s+|<\?.*?\?>|<!--.*?-->|<!doctype[^>]*>)*", re.DOTALL | re.IGNORECASE)
_ELEMENT = re.compile(r"<([A-Za-z_][\w.:-]*)")
_HTML_DOCTYPE = re.compile(r"<!doctype\s+html", re.IGNORECASE)
_JSON_FEED = re.compile(r'^\s*\{.*"version"\s*:\s*"https?://jsonfeed\.org/version/', re.DOTALL)


def _head(data: bytes) -> str:
    start = data[:_SNIFF_BYTES]
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        return start.decode("utf-16", errors="replace")
    return start.removeprefix(b"\xef\xbb\xbf").decode("latin-1")


def _first_element(head: str) -> str | None:
    """The local name of the first element (``rdf:RDF`` is ``rdf``), lower case."""
    prolog = _PROLOG.match(head)
    found = _ELEMENT.match(head, prolog.end() if prolog else 0)
    return found.group(1).rsplit(":", 1)[-1].lower() if found else None


def sniff_kind(result: FetchResult) -> PageKind:
    """``"feed"``, ``"html"`` or ``"other"`` for a fetched page (see the module docstring)."""
    head = _head(result.data)
    root = _first_element(head)
    if root in _FEED_ROOTS or _JSON_FEED.match(head):
        return "feed"
    if root in ("html", "head", "body") or _HTML_DOCTYPE.search(head):
        return "html"
    if result.content_type in FEED_TYPES:
        return "feed"
    if result.content_type in HTML_TYPES:
        return "html"
    return "other"


__all__ = ["FEED_TYPES", "HTML_TYPES", "PageKind", "sniff_kind"]
