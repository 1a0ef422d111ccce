"""RSS and Atom feeds (``.xml``, ``.rss``, ``.atom``): each entry is an article.

Needs :mod:`feedparser`, imported only when a feed is read. Entries are named
``file:N`` (N from 1, in feed order).
"""

from __future__ import annotations

import calendar
import importlib
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

from ..records import Failure, Skip
from .fields import Draft, Outcome
from .html import fragment_paragraphs

_MISSING = (
    "reading feeds needs the 'feedparser' package, which is not installed (pip install feedparser)"
)


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One entry of a feed: its link (where its page is), and its own text as a draft."""

    link: str | None
    draft: Draft | Failure


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed's title and entries, or why it has none (``problem``)."""

    title: str | None
    entries: tuple[FeedEntry, ...]
    problem: Failure | Skip | None = None


def parse_feed(data: bytes, source: str, path: str | None) -> ParsedFeed:
    """The entries of an RSS or Atom feed, named ``source:N`` (N from 1, in feed order)."""
    feedparser = _import_feedparser()
    if feedparser is None:
        return ParsedFeed(None, (), Failure(source, _MISSING))
    # A stream, never bytes or str: feedparser would take those for a file name or URL.
    parsed = feedparser.parse(io.BytesIO(data))
    channel: Mapping[str, Any] = parsed.get("feed") or {}
    entries: list[Any] = list(parsed.get("entries") or [])
    if not entries:
        return ParsedFeed(_text(channel.get("title")), (), _no_entries(parsed, source))
    return ParsedFeed(
        _text(channel.get("title")),
        tuple(
            FeedEntry(
                _text(entry.get("link")),
                _draft_from_entry(entry, channel, f"{source}:{number}", path),
            )
            for number, entry in enumerate(entries, start=1)
        ),
    )


def read_feed(data: bytes, source: str, path: str) -> Iterator[Outcome]:
    parsed = parse_feed(data, source, path)
    if parsed.problem is not None:
        yield parsed.problem
    for entry in parsed.entries:
        yield entry.draft


def _import_feedparser() -> ModuleType | None:
    try:
        return importlib.import_module("feedparser")
    except ImportError:
        return None


def _no_entries(parsed: Mapping[str, Any], source: str) -> Failure | Skip:
    if parsed.get("version"):
        return Skip(source, "feed has no entries")
    problem = parsed.get("bozo_exception")
    detail = f": {problem}" if problem else ""
    return Failure(source, f"not an RSS or Atom feed{detail}")


def _draft_from_entry(
    entry: Mapping[str, Any], channel: Mapping[str, Any], name: str, path: str | None
) -> Draft | Failure:
    body = _entry_text(entry)
    if not body:
        return Failure(name, "no text")
    draft = Draft(
        name,
        body,
        path=path,
        title=_text(entry.get("title")),
        outlet=_text(channel.get("title")),
        url=_text(entry.get("link")),
        language=_text(entry.get("language")) or _text(channel.get("language")),
        metadata=_entry_metadata(entry, channel),
    )
    _set_entry_published(draft, entry)
    return draft


def _entry_text(entry: Mapping[str, Any]) -> str:
    """The entry's longest content, else its summary, as paragraphs."""
    candidates = [item for item in entry.get("content") or [] if isinstance(item, Mapping)]
    summary = entry.get("summary_detail")
    if isinstance(summary, Mapping):
        candidates.append(summary)
    texts = [_detail_text(item) for item in candidates]
    return max(texts, key=len, default="")


def _detail_text(detail: Mapping[str, Any]) -> str:
    value = _text(detail.get("value")) or ""
    if "html" in str(detail.get("type", "text/html")):
        return "\n\n".join(fragment_paragraphs(value))
    return value


def _set_entry_published(draft: Draft, entry: Mapping[str, Any]) -> None:
    raw = entry.get("published") or entry.get("updated")
    draft.set_published(raw)
    if draft.published is None:
        parsed = entry.get("published_parsed") or entry.get("updated_parsed")
        if parsed:  # feedparser's own reading, in UTC
            draft.published = datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
            draft.metadata.pop("published_raw", None)


def _entry_metadata(entry: Mapping[str, Any], channel: Mapping[str, Any]) -> dict[str, Any]:
    metadata: dict[str, Any] = {}
    for key, value in (
        ("guid", entry.get("id")),
        ("author", entry.get("author")),
        ("feed_link", channel.get("link")),
    ):
        text = _text(value)
        if text:
            metadata[key] = text
    return metadata


def _text(value: object) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    return None
