"""The entry point: read files, folders and dict items into articles.

Every input ends up in the result exactly once per record it holds: as an
:class:`~synopsis.records.Article`, a :class:`~synopsis.records.Failure` or a
:class:`~synopsis.records.Skip`. Order is the order of the inputs (folders
expanded in sorted order), records in file order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..config import ReadSettings
from ..records import Article, Failure, Skip, content_hash, derived_article_id
from .decoding import looks_binary, normalise_newlines
from .fields import Draft, Outcome, draft_from_record
from .files import (
    InputFile,
    expand_input,
    file_format,
    load_bytes,
    path_problem,
    unsupported_reason,
)
from .formats import BINARY_SUFFIXES, READERS
from .warc import read_warc_file

if TYPE_CHECKING:  # the web reader imports the fetcher, needed only for URL inputs
    from .web import WebReader

_BINARY_FORMATS = BINARY_SUFFIXES
"""Formats whose files are not text, so the binary check does not apply."""
# Read record by record from disk, with the size limit per record, not per file.
_STREAMED_FORMATS = _BINARY_FORMATS


@dataclass(slots=True)
class ReadResult:
    """What reading a batch of inputs gave."""

    articles: list[Article] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)


def read_inputs(
    items: Iterable[str | os.PathLike[str] | Mapping[str, Any]],
    settings: ReadSettings | None = None,
    on_progress: Callable[[str], None] | None = None,
    web: WebReader | None = None,
) -> ReadResult:
    """Read paths (files or folders), URLs and dict items into articles.

    A dict item follows the record field rules and is named ``"<item N>"``, N
    its position in ``items`` (from 0). An ``http(s)://`` string is fetched by
    ``web`` (a page, or a feed and its entries' pages; without ``web`` it
    fails saying so). ``on_progress`` is called with the name of each file,
    URL and dict item once it has been read. Bad input content never raises:
    it becomes a failure. A non-path, non-mapping item is a ``TypeError``.
    """
    collector = _Collector(settings or ReadSettings())
    for position, item in enumerate(items):
        for name, outcomes in _read_item(item, position, collector.settings, web):
            for outcome in outcomes:
                collector.add(outcome)
            if on_progress is not None:
                on_progress(name)
    return collector.result


def is_url(item: object) -> bool:
    """Whether an input is a web address (``http://`` or ``https://``) rather than a path."""
    return isinstance(item, str) and item.strip().lower().startswith(("http://", "https://"))


def collect_outcomes(
    outcomes: Iterable[Outcome], settings: ReadSettings | None = None
) -> ReadResult:
    """Articles from what readers gave: drafts checked and given ids as by :func:`read_inputs`."""
    collector = _Collector(settings or ReadSettings())
    for outcome in outcomes:
        collector.add(outcome)
    return collector.result


def _read_item(
    item: str | os.PathLike[str] | Mapping[str, Any],
    position: int,
    settings: ReadSettings,
    web: WebReader | None,
) -> Iterator[tuple[str, Iterable[Outcome]]]:
    """``(name, outcomes)`` for each file (or the record, or the URL) that ``item`` stands for."""
    if isinstance(item, Mapping):
        name = f"<item {position}>"
        yield name, [draft_from_record(item, name)]
    elif is_url(item):
        url = str(item).strip()
        if web is None:
            yield url, [Failure(url, "URLs are read only with a fetcher (WebReader)")]
        else:
            yield url, web.read(url)
    elif isinstance(item, str | os.PathLike):
        for entry in expand_input(item):
            if isinstance(entry, InputFile):
                yield entry.name, read_file(entry, settings)
            else:
                yield entry.input, [entry]
    else:
        kind = type(item).__name__
        raise TypeError(f"read_inputs takes paths and mappings, got {kind} at position {position}")


def read_file(entry: InputFile, settings: ReadSettings) -> Iterator[Outcome]:
    """The outcomes of one file: its records, or one failure saying why it cannot be read."""
    extension = file_format(entry.path)
    if extension is None:
        yield Failure(entry.name, path_problem(entry.path) or unsupported_reason(entry.path))
        return
    if extension in _STREAMED_FORMATS:
        problem = path_problem(entry.path)
        if problem is not None:
            yield Failure(entry.name, problem)
            return
        yield from read_warc_file(entry.path, entry.name, settings)
        return
    data = load_bytes(entry.path, entry.name, settings.max_file_bytes)
    if isinstance(data, Failure):
        yield data
        return
    if extension not in _BINARY_FORMATS and looks_binary(data):
        yield Failure(entry.name, "binary file, not text")
        return
    yield from READERS[extension](data, entry.name, str(entry.path))


@dataclass(frozen=True, slots=True)
class _FirstUse:
    input: str
    content_hash: str


class _Collector:
    """Checks drafts, assigns ids, settles duplicate ids and gathers the result."""

    def __init__(self, settings: ReadSettings) -> None:
        self.settings = settings
        self.result = ReadResult()
        self._ids: dict[str, _FirstUse] = {}

    def add(self, outcome: Outcome) -> None:
        if isinstance(outcome, Failure):
            self.result.failures.append(outcome)
        elif isinstance(outcome, Skip):
            self.result.skipped.append(outcome)
        else:
            self._add_draft(outcome)

    def _add_draft(self, draft: Draft) -> None:
        body = normalise_newlines(draft.body).strip()
        problem = self._text_problem(body)
        if problem:
            self.result.failures.append(Failure(draft.source, problem))
            return
        article_id = draft.id or derived_article_id(body, draft.url)
        digest = content_hash(body)
        first = self._ids.get(article_id)
        if first is None:
            self._ids[article_id] = _FirstUse(draft.source, digest)
            self.result.articles.append(_article(draft, article_id, body))
        elif first.content_hash == digest:
            self.result.skipped.append(Skip(draft.source, f"same article as {first.input}"))
        else:
            reason = f"duplicate id '{article_id}' (also used by {first.input})"
            self.result.failures.append(Failure(draft.source, reason))

    def _text_problem(self, body: str) -> str | None:
        if not body:
            return "no text"
        if len(body) < self.settings.min_text_chars:
            unit = "character" if len(body) == 1 else "characters"
            return f"text too short ({len(body)} {unit})"
        if len(body) > self.settings.max_article_chars:
            return (
                f"text too long ({len(body):,} characters; the limit is "
                f"{self.settings.max_article_chars:,}, read.max_article_chars)"
            )
        return None


def _article(draft: Draft, article_id: str, body: str) -> Article:
    return Article(
        id=article_id,
        text=body,
        raw_text=body,
        source=draft.source,
        path=draft.path,
        url=draft.url,
        outlet=draft.outlet,
        title=draft.title,
        published=draft.published,
        language=draft.language,
        metadata=draft.metadata,
    )
