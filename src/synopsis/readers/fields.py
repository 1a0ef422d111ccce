"""Article fields: the reader's draft of an article, record fields, dates.

Every format reader produces :class:`Draft` objects (or failures and skips);
:mod:`.core` checks them and turns them into :class:`~synopsis.records.Article`.
Records (JSONL lines, JSON objects, CSV rows, dict items) share one set of
field rules, :func:`draft_from_record`.
"""

from __future__ import annotations

import email.utils
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from ..records import Failure, Skip

FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "url": ("url",),
    "outlet": ("outlet", "source", "site"),
    "title": ("title",),
    "published": ("published", "date"),
    "language": ("language",),
    "text": ("text", "body", "content"),
}
"""Each article field and the record keys accepted for it, in order of preference."""

_KNOWN_KEYS = frozenset(key for keys in FIELD_NAMES.values() for key in keys)

_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S %z",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%B %d, %Y %H:%M",
    "%B %d, %Y",
    "%b %d, %Y",
    "%b. %d, %Y",
    "%d %B %Y %H:%M",
    "%d %B %Y",
    "%d %b %Y",
    "%A, %B %d, %Y",
    "%A, %d %B %Y",
)
"""Formats tried after ISO 8601 and RFC 2822 (month names in English)."""


@dataclass(slots=True)
class Draft:
    """An article as a reader found it, before checks and id assignment."""

    source: str
    body: str
    path: str | None = None
    id: str | None = None
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: datetime | None = None
    language: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def set_published(self, value: object) -> None:
        """Parse ``value`` into ``published``; keep it as ``published_raw`` if unparseable."""
        self.published = parse_published(value)
        if self.published is None and not _is_blank(value):
            self.metadata["published_raw"] = value if isinstance(value, str) else str(value)


Outcome = Draft | Failure | Skip
"""What a reader yields for each record it finds."""


def parse_published(value: object) -> datetime | None:
    """A timezone-aware datetime from a date string, ``datetime``, ``date`` or Unix time.

    Strings: ISO 8601 (``2024-04-26``, ``2024-04-26T08:30:00Z``), RFC 2822
    (``Fri, 26 Apr 2024 08:30:00 GMT``) and a few common forms (``April 26,
    2024``, ``26.04.2024``). Naive values are taken as UTC. ``None`` when the
    value cannot be read as a date.
    """
    if isinstance(value, datetime):
        return as_aware(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_timestamp(float(value))
    if not isinstance(value, str) or not value.strip():
        return None
    text = " ".join(value.split())
    parsed = _from_iso(text) or _from_rfc2822(text) or _from_formats(text)
    return as_aware(parsed) if parsed else None


def as_aware(moment: datetime) -> datetime:
    """``moment`` with ``tzinfo=UTC`` if it had none."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _from_iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _from_rfc2822(text: str) -> datetime | None:
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _from_formats(text: str) -> datetime | None:
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def _from_timestamp(seconds: float) -> datetime | None:
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def draft_from_record(record: object, source: str, path: str | None = None) -> Draft | Failure:
    """A draft from one record's fields, or a failure naming the field that is wrong.

    Field names are matched case-insensitively; synonyms (``body``/``content``
    for ``text``, ``source``/``site`` for ``outlet``, ``date`` for ``published``)
    are accepted and recorded in ``metadata["field_sources"]``. Every other key
    is kept in ``metadata``.
    """
    if not isinstance(record, Mapping):
        return Failure(source, f"record is not an object (got {type_name(record)})")
    keys = _keys_by_name(record)
    chosen = _choose_fields(record, keys)
    text_key = chosen.get("text")
    if text_key is None:
        return Failure(source, _missing_text_reason(keys))
    values: dict[str, str | None] = {}
    for name in ("id", "url", "outlet", "title", "language"):
        value = _string_field(record, chosen.get(name), source)
        if isinstance(value, Failure):
            return value
        values[name] = value
    body = record[text_key]
    if not isinstance(body, str):
        return Failure(source, f"field '{text_key}' must be a string, got {type_name(body)}")
    draft = Draft(
        source,
        body,
        path=path,
        id=values["id"],
        title=values["title"],
        outlet=values["outlet"],
        url=values["url"],
        language=values["language"],
        metadata=_record_metadata(record, chosen),
    )
    if "published" in chosen:
        draft.set_published(record[chosen["published"]])
    return draft


def type_name(value: object) -> str:
    """The JSON name of ``value``'s type (``object``, ``array``…), else the Python one."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    return type(value).__name__


def _keys_by_name(record: Mapping[Any, Any]) -> dict[str, Any]:
    """Each key's normalised (stripped, lower-case) name → the first key with it."""
    keys: dict[str, Any] = {}
    for key in record:
        if isinstance(key, str):
            keys.setdefault(key.strip().lower(), key)
    return keys


def _choose_fields(record: Mapping[Any, Any], keys: dict[str, Any]) -> dict[str, Any]:
    """Article field → the record key that provides it (the first non-blank synonym)."""
    chosen: dict[str, Any] = {}
    for name, synonyms in FIELD_NAMES.items():
        for synonym in synonyms:
            key = keys.get(synonym)
            if key is not None and not _is_blank(record[key]):
                chosen[name] = key
                break
    return chosen


def _missing_text_reason(keys: dict[str, Any]) -> str:
    present = [keys[name] for name in FIELD_NAMES["text"] if name in keys]
    if present:
        return f"field '{present[0]}' is empty"
    return "missing field 'text'"


def _string_field(record: Mapping[Any, Any], key: Any, source: str) -> str | Failure | None:
    if key is None:
        return None
    value = record[key]
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return Failure(source, f"field '{key}' must be a string, got {type_name(value)}")


def _record_metadata(record: Mapping[Any, Any], chosen: dict[str, Any]) -> dict[str, Any]:
    """The record's other fields, and which synonyms were used."""
    metadata: dict[str, Any] = {}
    nested = record.get("metadata")
    if isinstance(nested, Mapping):
        metadata.update(nested)
    used = set(chosen.values())
    for key, value in record.items():
        if key in used or (key == "metadata" and isinstance(nested, Mapping)):
            continue
        if _is_known_key(key) and _is_blank(value):
            continue
        metadata[str(key)] = value
    renamed = {name: key for name, key in chosen.items() if key.strip().lower() != name}
    if renamed:
        metadata["field_sources"] = renamed
    return metadata


def _is_known_key(key: object) -> bool:
    return isinstance(key, str) and key.strip().lower() in _KNOWN_KEYS


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
