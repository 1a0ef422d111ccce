"""The record ↔ row codec that every store backend shares.

A row is a tuple of plain values (``str``, ``int``, ``float``, ``bytes``,
``None``) in the order of :data:`ARTICLE_COLUMNS`, :data:`STORY_COLUMNS` or
:data:`COPY_COLUMNS`. Times are ISO 8601 text with a UTC offset, structured
fields JSON text, and vectors little-endian float32 bytes. Nothing here
touches a connection: a backend runs the queries and hands the rows over.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from ..errors import StoreError
from ..records import (
    AlignedPassage,
    Article,
    CopyKind,
    CopyLink,
    QualityFlag,
    QualityKind,
    Removal,
    RemovalKind,
)
from .base import StoryRow

__all__ = [
    "ARTICLE_COLUMNS",
    "COPY_COLUMNS",
    "COPY_COLUMNS_WITHOUT_EVIDENCE",
    "STORY_COLUMNS",
    "CopyRow",
    "article_from_row",
    "article_values",
    "copy_link_from_row",
    "copy_link_values",
    "iso",
    "iso_or_none",
    "parse_dt",
    "passages",
    "required_dt",
    "same_article",
    "state_from_json",
    "state_to_json",
    "story_from_row",
    "to_json",
    "utc_now",
    "vector_blob",
    "vector_from_blob",
]

ARTICLE_COLUMNS: Final = (
    "id, content_hash, source, path, url, outlet, title, published, language, "
    "text, raw_text, metadata, removed, quality"
)
"""The stored article columns, in the order :func:`article_values` writes them."""

STORY_COLUMNS: Final = "id, title, created, updated, first_published, last_published, merged_into"
"""The story columns :func:`story_from_row` reads, in its order."""

COPY_COLUMNS: Final = "a, b, kind, score, origin, evidence"
COPY_COLUMNS_WITHOUT_EVIDENCE: Final = "a, b, kind, score, origin, '[]'"
"""As :data:`COPY_COLUMNS`, with an empty evidence list instead of the stored one."""
"""The copy-link columns, in the order :func:`copy_link_values` writes them."""

CopyRow = tuple[str, str, str, float, str | None, str]
"""A copy link as stored, in the order of :data:`COPY_COLUMNS`."""

_METADATA_INDEX: Final = ARTICLE_COLUMNS.split(", ").index("metadata")
_F32: Final = np.dtype("<f4")


# -- times and JSON ------------------------------------------------------------


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def iso(value: datetime) -> str:
    """ISO 8601 with offset and microseconds; a naive time is taken to be UTC."""
    if value.utcoffset() is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat(timespec="microseconds")


def iso_or_none(value: datetime | None) -> str | None:
    """:func:`iso` of ``value``, or ``None`` for ``None``."""
    return None if value is None else iso(value)


def parse_dt(text: str | None) -> datetime | None:
    """The time stored as ``text`` (UTC if it has no offset), or ``None`` for ``None``."""
    if text is None:
        return None
    value = datetime.fromisoformat(text)
    return value if value.utcoffset() is not None else value.replace(tzinfo=UTC)


def required_dt(text: str) -> datetime:
    """:func:`parse_dt` of a story timestamp that must be there."""
    value = parse_dt(text)
    if value is None:
        raise StoreError("a stored story has no timestamp")
    return value


def to_json(value: Any, what: str) -> str:
    """``value`` as JSON text; :class:`StoreError` naming ``what`` if it cannot be."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise StoreError(f"{what} cannot be stored as JSON: {exc}") from exc


# -- articles ------------------------------------------------------------------


def article_values(article: Article) -> tuple[Any, ...]:
    """The article as stored, in the order of :data:`ARTICLE_COLUMNS`."""
    what = f"{article.source}: article {article.id!r}"
    removed = [{"kind": RemovalKind(r.kind).value, "text": r.text} for r in article.removed]
    return (
        article.id,
        article.content_hash,
        article.source,
        article.path,
        article.url,
        article.outlet,
        article.title,
        iso_or_none(article.published),
        article.language,
        article.text,
        article.raw_text,
        to_json(article.metadata, f"{what} metadata"),
        to_json(removed, f"{what} removals"),
        to_json(
            [
                {"kind": QualityKind(q.kind).value, "evidence": list(q.evidence)}
                for q in article.quality
            ],
            f"{what} quality flags",
        ),
    )


def same_article(old: tuple[Any, ...], new: tuple[Any, ...]) -> bool:
    """Whether a stored row and new values hold the same article."""
    m = _METADATA_INDEX
    if old[:m] != new[:m] or old[m + 1 :] != new[m + 1 :]:
        return False
    return bool(old[m] == new[m] or json.loads(old[m]) == json.loads(new[m]))


def article_from_row(row: Sequence[Any]) -> Article:
    """The article stored as ``row`` (in :data:`ARTICLE_COLUMNS` order)."""
    (
        article_id,
        _content_hash,
        source,
        path,
        url,
        outlet,
        title,
        published,
        language,
        text,
        raw_text,
        metadata,
        removed,
        quality,
    ) = row
    try:
        removals = [Removal(RemovalKind(r["kind"]), str(r["text"])) for r in json.loads(removed)]
        flags = [
            QualityFlag(QualityKind(q["kind"]), tuple(str(e) for e in q["evidence"]))
            for q in json.loads(quality)
        ]
        meta = json.loads(metadata)
        when = parse_dt(published)
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"article {article_id!r}: the stored record is corrupt: {exc}") from exc
    return Article(
        id=article_id,
        text=text,
        source=source,
        title=title,
        outlet=outlet,
        url=url,
        path=path,
        published=when,
        language=language,
        raw_text=raw_text,
        metadata=meta,
        removed=removals,
        quality=flags,
    )


# -- copy links ----------------------------------------------------------------


def copy_link_values(link: CopyLink) -> CopyRow:
    """The link as stored, in the order of :data:`COPY_COLUMNS`."""
    try:
        kind = CopyKind(link.kind).value
    except ValueError:
        raise StoreError(f"copy link {link.a!r}-{link.b!r}: unknown kind {link.kind!r}") from None
    evidence = [p.to_dict() for p in link.evidence]
    return (
        link.a,
        link.b,
        kind,
        float(link.score),
        link.origin,
        to_json(evidence, f"copy link {link.a!r}-{link.b!r} evidence"),
    )


def passages(stored: str) -> tuple[AlignedPassage, ...]:
    """The aligned passages stored as the JSON ``evidence`` of a copy link."""
    try:
        return tuple(
            AlignedPassage(
                int(p["a_sentence"]),
                int(p["b_sentence"]),
                str(p["a_text"]),
                str(p["b_text"]),
                float(p["similarity"]),
            )
            for p in json.loads(stored)
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"a stored copy link has corrupt evidence: {exc}") from exc


def copy_link_from_row(row: Sequence[Any]) -> CopyLink:
    """The copy link stored as ``row`` (in :data:`COPY_COLUMNS` order)."""
    a, b, kind, score, origin, evidence = row
    return CopyLink(a, b, CopyKind(kind), float(score), origin, passages(evidence))


# -- stories -------------------------------------------------------------------


def story_from_row(row: Sequence[Any], article_ids: list[str]) -> StoryRow:
    """The story stored as ``row`` (in :data:`STORY_COLUMNS` order) holding ``article_ids``."""
    story_id, title, created, updated, first, last, merged_into = row
    return StoryRow(
        id=story_id,
        title=title,
        article_ids=article_ids,
        created=required_dt(created),
        updated=required_dt(updated),
        first_published=parse_dt(first),
        last_published=parse_dt(last),
        merged_into=merged_into,
    )


def state_to_json(state: Mapping[str, Any] | None, what: str) -> str | None:
    """A story's clustering state as JSON text (``None`` for none); ``what`` names the story."""
    return None if state is None else to_json(dict(state), f"{what} state")


def state_from_json(stored: str | None, what: str) -> dict[str, Any] | None:
    """The clustering state stored as ``stored``; :class:`StoreError` naming ``what`` if corrupt."""
    if stored is None:
        return None
    state = json.loads(stored)
    if not isinstance(state, dict):
        raise StoreError(f"{what} has a corrupt state")
    return state


# -- vectors -------------------------------------------------------------------


def vector_blob(value: npt.ArrayLike, what: str) -> tuple[int, bytes]:
    """``(dim, little-endian float32 bytes)`` of a 1-D vector."""
    try:
        array = np.asarray(value, dtype=_F32)
    except (TypeError, ValueError) as exc:
        raise StoreError(f"{what}: not a numeric vector: {exc}") from exc
    if array.ndim != 1:
        raise StoreError(f"{what}: expected a 1-D vector, got shape {array.shape}")
    return int(array.shape[0]), array.tobytes()


def vector_from_blob(data: bytes, what: str) -> npt.NDArray[np.float32]:
    """The float32 vector stored as ``data``; :class:`StoreError` naming ``what`` if corrupt."""
    if len(data) % _F32.itemsize:
        raise StoreError(f"{what}: stored bytes are not float32 values")
    return np.frombuffer(data, dtype=_F32).astype(np.float32)
