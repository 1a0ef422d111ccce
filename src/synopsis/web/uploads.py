"""Uploaded articles into ingest items, in memory: nothing from a request touches the disk.

A JSON body is one article object, a list of them, or ``{"articles": [...]}``;
each becomes a record item with the usual field rules. An uploaded file is
read by the reader for its extension straight from its bytes; its name is only
a label (never a path), and every article it holds becomes a record item.
A body this server does not take raises :class:`~synopsis.errors.UploadError`
(an ``InputError``; re-exported here).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..config import ReadSettings
from ..errors import UploadError
from ..fetch import FetchResult
from ..readers.decoding import looks_binary
from ..readers.fields import Draft, Outcome
from ..readers.formats import BINARY_SUFFIXES, READERS
from ..readers.warc import read_warc_stream
from ..readers.web import article_from_page
from ..records import Failure, Skip


@dataclass(slots=True)
class Upload:
    """Record items to ingest, and the inputs that could not be read."""

    items: list[dict[str, Any]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)


def items_from_json(body: Any, max_articles: int) -> Upload:
    """Record items from a parsed JSON body."""
    if isinstance(body, Mapping) and "articles" in body:
        body = body["articles"]
    records = body if isinstance(body, list) else [body]
    if not records:
        raise UploadError("no articles in the request")
    if len(records) > max_articles:
        raise UploadError(f"too many articles: {len(records)} (at most {max_articles})")
    for position, record in enumerate(records):
        if not isinstance(record, Mapping):
            raise UploadError(f"article {position}: expected a JSON object")
    return Upload(items=[dict(r) for r in records])


def file_format(name: str) -> str | None:
    """The reader extension of an uploaded file name (``.warc.gz`` before ``.gz``)."""
    lowered = name.lower()
    for extension in sorted(READERS, key=len, reverse=True):
        if lowered.endswith(extension):
            return extension
    return None


def safe_name(name: str | None, position: int) -> str:
    """A label for an uploaded file: its base name, printable, at most 200 characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable())[:200]
    return cleaned or f"upload-{position}"


def items_from_file(
    name: str,
    data: bytes,
    upload: Upload,
    max_articles: int,
    read: ReadSettings | None = None,
) -> None:
    """Add the articles of one uploaded file (``name`` is a label) to ``upload``.

    A web archive is read record by record from the bytes, with the bounds of
    ``read`` (each record's decompressed payload, headers, record count), as
    files on disk are.
    """
    extension = file_format(name)
    source = f"upload:{name}"
    if extension is None:
        known = ", ".join(sorted(READERS))
        upload.failures.append(Failure(source, f"unsupported file type (use one of {known})"))
        return
    if extension not in BINARY_SUFFIXES and looks_binary(data):
        upload.failures.append(Failure(source, "binary file, not text"))
        return
    outcomes: Iterable[Outcome]
    if extension in BINARY_SUFFIXES:
        outcomes = read_warc_stream(io.BytesIO(data), source, name, read or ReadSettings())
    else:
        outcomes = READERS[extension](data, source, name)
    for outcome in outcomes:
        if isinstance(outcome, Failure):
            upload.failures.append(outcome)
        elif isinstance(outcome, Skip):
            upload.skipped.append(outcome)
        else:
            if len(upload.items) >= max_articles:
                raise UploadError(f"too many articles (at most {max_articles} per request)")
            upload.items.append(_record(outcome))


def items_from_fetched(fetched: FetchResult, upload: Upload) -> None:
    """Add the article of a fetched page (HTML or plain text) to ``upload``."""
    outcome = article_from_page(fetched)
    if isinstance(outcome, Draft):
        upload.items.append(_record(outcome))
    else:
        upload.failures.append(outcome)


def _record(draft: Draft) -> dict[str, Any]:
    record: dict[str, Any] = {
        key: value
        for key, value in draft.metadata.items()
        if key not in {"text", "id", "title", "outlet", "url", "published", "language"}
    }
    record["text"] = draft.body
    for key in ("id", "title", "outlet", "url", "language"):
        value = getattr(draft, key)
        if value is not None:
            record[key] = value
    if draft.published is not None:
        record["published"] = draft.published.isoformat()
    return record


__all__ = [
    "Upload",
    "UploadError",
    "file_format",
    "items_from_fetched",
    "items_from_file",
    "items_from_json",
    "safe_name",
]
