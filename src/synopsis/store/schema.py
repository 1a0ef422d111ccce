"""The store's schema and its versions, apart from any connection.

:data:`MIGRATIONS` lists, oldest first, the SQL scripts that bring a store
from one schema version to the next; the last one brings it to
:data:`SCHEMA_VERSION`. The scripts keep to the SQL that SQLite and
PostgreSQL share where that is sensible (``BLOB`` is SQLite's spelling of
PostgreSQL's ``bytea``; times are ISO 8601 ``TEXT`` in both). A backend runs
them with :func:`split_statements` and records the version in the table that
:data:`META_TABLE` creates; :func:`checked_migrations` validates a migration
list (tests pass their own to exercise upgrades).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from itertools import pairwise
from typing import Final

from ..errors import StoreError

__all__ = [
    "CANDIDATE_POSITION_KEY",
    "META_TABLE",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Migration",
    "check_meta_key",
    "checked_migrations",
    "split_statements",
]

CANDIDATE_POSITION_KEY: Final[str] = "candidate_vectors.last_position"
"""The ``meta`` key holding the last position given to a candidate vector."""

_RESERVED_META: Final = frozenset({"schema_version", CANDIDATE_POSITION_KEY})


def check_meta_key(key: str) -> None:
    """:class:`StoreError` unless ``key`` is a non-empty ``meta`` key a caller may write."""
    if not key or key in _RESERVED_META:
        raise StoreError(f"meta key {key!r} is the store's own; choose another key")


Migration = tuple[int, str]
"""A schema migration: the version it brings the store to, and its SQL script."""

SCHEMA_VERSION: Final[int] = 5
"""The schema version this code writes."""

META_TABLE: Final[str] = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
)
"""The DDL of the ``meta`` table, which holds ``schema_version``; not a migration."""

_SCHEMA_V1: Final[str] = """
CREATE TABLE articles (
    id           TEXT PRIMARY KEY,
    seq          INTEGER NOT NULL UNIQUE,      -- ingest order
    content_hash TEXT NOT NULL,
    source       TEXT NOT NULL,
    path         TEXT,
    url          TEXT,
    outlet       TEXT,
    title        TEXT,
    published    TEXT,                         -- ISO 8601 with UTC offset
    language     TEXT,
    text         TEXT NOT NULL,
    raw_text     TEXT NOT NULL,
    metadata     TEXT NOT NULL DEFAULT '{}',   -- JSON object
    removed      TEXT NOT NULL DEFAULT '[]',   -- JSON list of {kind, text}
    ingested_at  TEXT NOT NULL
);
CREATE INDEX articles_content_hash ON articles (content_hash);

CREATE TABLE stories (
    id              TEXT PRIMARY KEY,
    title           TEXT NOT NULL,
    created         TEXT NOT NULL,
    updated         TEXT NOT NULL,
    first_published TEXT,
    last_published  TEXT,
    merged_into     TEXT REFERENCES stories (id),
    centroid        BLOB,                      -- little-endian float32
    state           TEXT                       -- JSON object, clustering state
);
CREATE INDEX stories_updated ON stories (updated);
CREATE INDEX stories_merged_into ON stories (merged_into);

CREATE TABLE story_articles (
    story_id   TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    article_id TEXT NOT NULL UNIQUE REFERENCES articles (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    PRIMARY KEY (story_id, article_id)
);

CREATE TABLE copies (
    a      TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    b      TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    kind   TEXT NOT NULL,
    score  REAL NOT NULL,
    origin TEXT,
    PRIMARY KEY (a, b, kind)
);
CREATE INDEX copies_b ON copies (b);

CREATE TABLE vectors (
    key   TEXT NOT NULL,                       -- content hash of the text
    model TEXT NOT NULL,
    dim   INTEGER NOT NULL,
    data  BLOB NOT NULL,                       -- little-endian float32
    PRIMARY KEY (key, model)
);

CREATE TABLE story_merges (
    from_id TEXT NOT NULL REFERENCES stories (id),
    into_id TEXT NOT NULL REFERENCES stories (id),
    at      TEXT NOT NULL
);
CREATE INDEX story_merges_into ON story_merges (into_id);
"""

# Version 2: a cache of each story's computed report (JSON), valid while the
# story's ``version`` (derived by the caller from what the report depends on) holds.
_SCHEMA_V2: Final[str] = """
CREATE TABLE story_reports (
    story_id TEXT PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
    version  TEXT NOT NULL,
    data     TEXT NOT NULL,                    -- JSON
    computed TEXT NOT NULL
);
"""

# Version 3: what cleaning found wrong with an article's wording (quality flags),
# and the aligned sentences that are the evidence of a copy link.
_SCHEMA_V3: Final[str] = """
ALTER TABLE articles ADD COLUMN quality TEXT NOT NULL DEFAULT '[]';  -- JSON [{kind, evidence}]
ALTER TABLE copies ADD COLUMN evidence TEXT NOT NULL DEFAULT '[]';   -- JSON [AlignedPassage]
"""

# Version 4: persistent candidate indexes for copy detection, so an ingest compares
# its new articles with their candidates only: the LSH band keys of each article
# and one search vector per article (positions only grow, so a local
# nearest-neighbour index catches up by reading what came after its last position).
_SCHEMA_V4: Final[str] = """
CREATE TABLE candidate_keys (
    band       INTEGER NOT NULL,               -- index and band, numbered by synopsis.copies
    key        BIGINT NOT NULL,                -- the band's hash, signed 64-bit
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (band, key, article_id)
);
CREATE INDEX candidate_keys_article ON candidate_keys (article_id);

CREATE TABLE candidate_vectors (
    position   BIGINT PRIMARY KEY,             -- assigned in increasing order, never reused
    article_id TEXT NOT NULL UNIQUE REFERENCES articles (id) ON DELETE CASCADE,
    data       BLOB NOT NULL                   -- little-endian float32
);
"""

# Version 5: followed feeds and their state, so `synopsis follow` resumes after a
# restart; the URLs that could not be fetched, with why; articles found by URL, so
# what is already stored is not fetched again.
_SCHEMA_V5: Final[str] = """
CREATE TABLE feeds (
    url           TEXT PRIMARY KEY,
    title         TEXT,
    added         TEXT NOT NULL,
    etag          TEXT,
    last_modified TEXT,
    last_polled   TEXT,
    next_poll     TEXT,
    last_status   TEXT,
    last_error    TEXT,
    errors        INTEGER NOT NULL DEFAULT 0,  -- failed polls in a row
    polls         INTEGER NOT NULL DEFAULT 0,
    articles      INTEGER NOT NULL DEFAULT 0,
    last_new      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE fetch_failures (
    url      TEXT PRIMARY KEY,
    feed     TEXT,
    reason   TEXT NOT NULL,
    at       TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX fetch_failures_feed ON fetch_failures (feed);

CREATE INDEX articles_url ON articles (url);
"""

MIGRATIONS: Final[tuple[Migration, ...]] = (
    (1, _SCHEMA_V1),
    (2, _SCHEMA_V2),
    (3, _SCHEMA_V3),
    (4, _SCHEMA_V4),
    (5, _SCHEMA_V5),
)
"""Every migration, oldest first; the last one brings a store to :data:`SCHEMA_VERSION`."""


def split_statements(script: str) -> list[str]:
    """Split an SQL script into complete statements (semicolons in strings and triggers kept).

    Completeness is judged by :func:`sqlite3.complete_statement`, a pure
    parser check that opens no connection.
    """
    statements: list[str] = []
    buffer = ""
    pieces = script.split(";")
    for i, piece in enumerate(pieces):
        buffer += piece if i == len(pieces) - 1 else piece + ";"
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        buffer += "\n;"  # a final statement may lack its semicolon, or be a comment
        if not sqlite3.complete_statement(buffer):
            raise StoreError(f"incomplete SQL statement in migration: {buffer.strip()[:80]!r}")
        statements.append(buffer.strip())
    return statements


def checked_migrations(migrations: Sequence[Migration]) -> tuple[Migration, ...]:
    """``migrations`` as a tuple; :class:`ValueError` unless non-empty with increasing versions."""
    checked = tuple((int(version), str(script)) for version, script in migrations)
    if not checked:
        raise ValueError("migrations must not be empty")
    versions = [version for version, _ in checked]
    if versions[0] < 1 or any(b <= a for a, b in pairwise(versions)):
        raise ValueError(f"migration versions must be positive and increasing, got {versions}")
    return checked
