"""Tests of the article store (synopsis.store): schema, records, files and URLs.

Most tests run on every backend (the ``backend`` fixture of ``conftest.py``:
a SQLite file, a PostgreSQL database); those about SQLite's file, its
journal and its permissions run on SQLite alone.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from store_backends import Backend

from synopsis.errors import NotFoundError, SchemaError, StoreError
from synopsis.records import (
    AlignedPassage,
    Article,
    CopyKind,
    CopyLink,
    QualityFlag,
    QualityKind,
    Removal,
    RemovalKind,
)
from synopsis.store import (
    BACKENDS,
    MIGRATIONS,
    SCHEMA_VERSION,
    AddResult,
    SQLiteStore,
    Store,
    StoryRow,
    open_store,
)
from synopsis.store.codec import (
    ARTICLE_COLUMNS,
    article_from_row,
    article_values,
    copy_link_from_row,
    copy_link_values,
    same_article,
)

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def make_article(n: int, **changes: object) -> Article:
    article = Article(
        id=f"a{n}",
        text=f"Body of article {n}.\n\nSecond paragraph {n}.",
        source=f"inputs/{n}.txt",
        raw_text=f"RAW body of article {n}.",
    )
    return replace(article, **changes)  # type: ignore[arg-type]


def full_article() -> Article:
    return Article(
        id="full-1",
        text="Floods hit the valley.\n\nThousands were evacuated on Sunday.",
        source="/data/feeds/valley.html",
        title="Floods hit the valley",
        outlet="Valley Times",
        url="https://example.org/floods?id=1",
        path="/data/feeds/valley.html",
        published=datetime(2024, 4, 28, 9, 30, 15, 250, tzinfo=timezone(timedelta(hours=2))),
        language="en",
        raw_text="Floods hit the valley. Share this! Thousands were evacuated on Sunday.",
        metadata={"author": "J. Doe", "tags": ["flood", "weather"], "words": 9, "ü": None},
        removed=[
            Removal(RemovalKind.SHARE_WIDGET, "Share this!"),
            Removal(RemovalKind.CAPTION, "Photo: the river — ‘high’"),
        ],
    )


class Clock:
    """A clock that moves one second each time it is read."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store.db"


@pytest.fixture
def store(backend: Backend) -> Iterator[Store]:
    with backend.open(clock=Clock()) as opened:
        yield opened


# -- articles ---------------------------------------------------------------


def test_article_round_trip_keeps_every_field(backend: Backend) -> None:
    article = full_article()
    with backend.open() as store:
        assert store.add_articles([article]) == AddResult(added=["full-1"], unchanged=[])
        assert store.get_article("full-1") == article
    with backend.open() as store:  # and after reopening the store
        loaded = store.get_article("full-1")
    assert loaded == article
    assert loaded.published is not None
    assert loaded.published.utcoffset() == timedelta(hours=2)
    assert loaded.removed[0] == Removal(RemovalKind.SHARE_WIDGET, "Share this!")
    assert isinstance(loaded.removed[0].kind, RemovalKind)
    assert loaded.metadata == {
        "author": "J. Doe",
        "tags": ["flood", "weather"],
        "words": 9,
        "ü": None,
    }


def test_naive_published_comes_back_as_utc(store: Store) -> None:
    store.add_articles([make_article(1, published=datetime(2024, 1, 2, 3, 4, 5))])
    assert store.get_article("a1").published == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_paragraphs_and_sentences_are_not_stored(store: Store) -> None:
    store.add_articles([make_article(1, paragraphs=["Body of article 1."])])
    assert store.get_article("a1").paragraphs == []


def test_adding_the_same_articles_twice_writes_nothing(backend: Backend) -> None:
    articles = [make_article(n) for n in range(5)] + [full_article()]
    ids = [a.id for a in articles]
    with backend.open() as store:
        first = store.add_articles(articles)
        stamps = {a: _ingested_at(backend, a) for a in ids}
        second = store.add_articles(articles)
        assert store.article_count() == 6
    assert first == AddResult(added=ids, unchanged=[])
    assert second == AddResult(added=[], unchanged=ids)
    assert backend.count("articles") == 6
    assert {a: _ingested_at(backend, a) for a in ids} == stamps


def _ingested_at(backend: Backend, article_id: str) -> str:
    rows = backend.execute("SELECT ingested_at FROM articles WHERE id = ?", (article_id,))
    return str(rows[0][0])


def test_same_id_with_new_content_is_updated(store: Store) -> None:
    store.add_articles([make_article(1), make_article(2)])
    changed = make_article(1, text="A corrected body.", raw_text="A corrected body.")
    result = store.add_articles([changed, make_article(2)])
    assert result == AddResult(added=["a1"], unchanged=["a2"])
    assert store.get_article("a1").text == "A corrected body."
    assert store.article_count() == 2


@pytest.mark.parametrize(
    "change",
    [
        {"title": "New title"},
        {"metadata": {"author": "someone else"}},
        {"removed": [Removal(RemovalKind.HASHTAGS, "#news")]},
        {"published": datetime(2024, 1, 1, tzinfo=UTC)},
    ],
)
def test_any_stored_field_change_counts_as_an_update(
    store: Store, change: dict[str, object]
) -> None:
    store.add_articles([make_article(1)])
    updated = make_article(1, **change)
    assert store.add_articles([updated]).added == ["a1"]
    assert store.get_article("a1") == updated


def test_metadata_key_order_does_not_count_as_a_change(store: Store) -> None:
    store.add_articles([make_article(1, metadata={"x": 1, "y": 2})])
    result = store.add_articles([make_article(1, metadata={"y": 2, "x": 1})])
    assert result == AddResult(added=[], unchanged=["a1"])


def test_iter_articles_is_in_ingest_order_and_updates_keep_their_place(
    store: Store,
) -> None:
    store.add_articles([make_article(3), make_article(1)])
    store.add_articles([make_article(2), make_article(3, title="changed")])
    assert [a.id for a in store.iter_articles()] == ["a3", "a1", "a2"]
    assert next(a for a in store.iter_articles() if a.id == "a3").title == "changed"


def test_iter_articles_pages_through_many(store: Store) -> None:
    articles = [make_article(n) for n in range(450)]  # more than one page
    store.add_articles(articles)
    assert [a.id for a in store.iter_articles()] == [a.id for a in articles]


def test_get_articles_keeps_the_order_asked(store: Store) -> None:
    store.add_articles([make_article(n) for n in range(4)])
    assert [a.id for a in store.get_articles(["a2", "a0", "a3", "a0"])] == ["a2", "a0", "a3", "a0"]
    assert store.has_article("a1")
    assert not store.has_article("a9")


def test_missing_ids_raise_not_found(store: Store) -> None:
    store.add_articles([make_article(1)])
    with pytest.raises(NotFoundError) as info:
        store.get_article("nope")
    assert (info.value.kind, info.value.key) == ("article", "nope")
    with pytest.raises(NotFoundError) as info:
        store.get_articles(["a1", "gone", "also-gone"])
    assert info.value.key == "gone"
    with pytest.raises(NotFoundError) as info:
        store.get_story("s-missing")
    assert (info.value.kind, info.value.key) == ("story", "s-missing")
    with pytest.raises(NotFoundError):
        store.story_state("s-missing")
    with pytest.raises(NotFoundError) as info:
        store.save_story("s1", "t", ["a1", "ghost"])
    assert (info.value.kind, info.value.key) == ("article", "ghost")
    with pytest.raises(NotFoundError):
        store.save_copies([CopyLink("a1", "ghost", CopyKind.EXACT, 1.0)])


def test_failed_write_leaves_nothing_behind(store: Store) -> None:
    store.add_articles([make_article(1)])
    with pytest.raises(NotFoundError):
        store.save_story("s1", "t", ["a1", "ghost"])
    with pytest.raises(NotFoundError):
        store.get_story("s1")
    assert store.story_of("a1") is None


def test_unserialisable_metadata_is_a_store_error_naming_the_article(store: Store) -> None:
    with pytest.raises(StoreError, match=r"'a1'.*metadata"):
        store.add_articles([make_article(1, metadata={"when": datetime.now(UTC)})])
    assert store.article_count() == 0


# -- schema, file and URL handling ---------------------------------------------


def test_wal_mode_is_on(db: Path) -> None:
    with SQLiteStore(db) as store:
        assert store.journal_mode == "wal"
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_foreign_keys_are_enforced(db: Path) -> None:
    with SQLiteStore(db) as store:
        conn = store._conn
        assert conn is not None
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


def test_schema_version_is_stored(backend: Backend) -> None:
    with backend.open() as store:
        assert store.schema_version == SCHEMA_VERSION == 5
    assert MIGRATIONS[-1][0] == SCHEMA_VERSION
    row = backend.execute("SELECT value FROM meta WHERE key = 'schema_version'")[0]
    assert int(row[0]) == SCHEMA_VERSION


def test_newer_schema_version_raises_schema_error(backend: Backend) -> None:
    backend.open().close()
    backend.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    with pytest.raises(SchemaError) as info:
        backend.open()
    message = str(info.value)
    assert backend.label in message
    assert "7" in message
    assert f"version {SCHEMA_VERSION}" in message


NEXT = SCHEMA_VERSION + 1  # a migration after the last shipped one

V2 = (
    NEXT,
    """
    ALTER TABLE articles ADD COLUMN section TEXT;
    CREATE TABLE v2_runs (n INTEGER);  -- fails if the migration runs twice
    INSERT INTO v2_runs VALUES (1);
    """,
)


def test_injected_migration_is_applied_exactly_once(backend: Backend) -> None:
    backend.open().close()  # a store at the shipped version
    migrations = [*MIGRATIONS, V2]
    with backend.open(migrations=migrations) as store:
        assert store.schema_version == NEXT
    with backend.open(migrations=migrations) as store:  # reopening applies nothing
        assert store.schema_version == NEXT
    assert "section" in backend.columns("articles")
    assert backend.count("v2_runs") == 1
    with pytest.raises(SchemaError):  # the shipped code no longer opens it
        backend.open()


def test_fresh_store_applies_all_migrations(backend: Backend) -> None:
    with backend.open(migrations=[*MIGRATIONS, V2]) as store:
        assert store.schema_version == NEXT
        store.add_articles([make_article(1)])
        assert store.get_article("a1") == make_article(1)


def test_failed_migration_is_rolled_back(backend: Backend) -> None:
    backend.open().close()
    broken = (NEXT, "CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);")
    with pytest.raises(StoreError, match=f"migration to schema version {NEXT}"):
        backend.open(migrations=[*MIGRATIONS, broken])
    assert "half_done" not in backend.tables()
    with backend.open() as store:
        assert store.schema_version == SCHEMA_VERSION


def test_non_sqlite_file_is_a_store_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    content = b"These are my notes, not a database. " * 40
    path.write_bytes(content)
    with pytest.raises(StoreError, match="not a SQLite database") as info:
        SQLiteStore(path)
    assert str(path) in str(info.value)
    assert path.read_bytes() == content


def test_a_foreign_database_is_refused(backend: Backend) -> None:
    backend.execute("CREATE TABLE customers (id INTEGER)")
    with pytest.raises(StoreError, match="not a synopsis store") as info:
        backend.open()
    assert backend.label in str(info.value)
    assert backend.tables() == {"customers"}


def test_missing_directory_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "no" / "such" / "store.db"
    with pytest.raises(StoreError, match="directory does not exist") as info:
        SQLiteStore(path)
    assert str(path) in str(info.value)
    assert not (tmp_path / "no").exists()


def test_directory_path_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory"):
        SQLiteStore(tmp_path)


def test_open_store_accepts_paths_and_sqlite_urls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    opened: list[Store] = [
        open_store(tmp_path / "a.db"),
        open_store(str(tmp_path / "b.db")),
        open_store("sqlite:///c.db"),  # relative to the working directory
        open_store(f"sqlite:///{tmp_path / 'd.db'}"),  # four slashes: absolute
        open_store("sqlite://"),
    ]
    for store in opened:
        assert isinstance(store, SQLiteStore)
        assert isinstance(store, Store)
        store.close()
    assert {p.name for p in tmp_path.glob("*.db")} == {"a.db", "b.db", "c.db", "d.db"}


def test_unknown_url_schemes_are_store_errors() -> None:
    url = "mysql://synopsis:hunter2@db.example.org:3306/news"
    with pytest.raises(StoreError, match="unknown store URL scheme 'mysql'") as info:
        open_store(url)
    assert "synopsis:***@db.example.org:3306/news" in str(info.value)
    assert "hunter2" not in str(info.value)
    with pytest.raises(StoreError, match="mysql://db/news"):
        open_store("mysql://db/news")


def test_the_backend_table_has_sqlite_and_postgresql() -> None:
    assert set(BACKENDS) == {"sqlite", "postgresql", "postgres"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///c.db", "c.db"),
        ("sqlite+pysqlite:///c.db", "c.db"),
        ("SQLite:///c.db", "c.db"),
        ("sqlite://", ":memory:"),
        ("sqlite:///", ":memory:"),
        ("sqlite:///:memory:", ":memory:"),
        (":memory:", ":memory:"),
        ("plain.db", "plain.db"),
    ],
)
def test_open_store_url_forms(
    url: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with open_store(url) as store:
        assert isinstance(store, SQLiteStore)
        assert store.path == Path(expected)
    with open_store(f"sqlite:///{tmp_path / 'abs.db'}") as store:  # four slashes: absolute
        assert isinstance(store, SQLiteStore)
        assert store.path == tmp_path / "abs.db"


def test_sqlite_url_without_three_slashes_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="needs three slashes") as info:
        open_store("sqlite://relative.db")
    assert "sqlite://relative.db" in str(info.value)


@pytest.mark.parametrize("url", ["foo://x", "mysql://db.example.org/news", "FOO+bar://x"])
def test_unknown_scheme_error_names_the_url_and_the_supported_schemes(url: str) -> None:
    with pytest.raises(StoreError) as info:
        open_store(url)
    message = str(info.value)
    assert message.startswith(f"{url}: ")
    assert "supported schemes: postgres, postgresql, sqlite" in message


@pytest.mark.parametrize("form", ["path", "str", "url"])
def test_open_store_without_create_refuses_a_missing_file(
    form: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    target = {"path": tmp_path / "none.db", "str": "none.db", "url": "sqlite:///none.db"}[form]
    shown = tmp_path / "none.db" if form == "path" else Path("none.db")
    with pytest.raises(StoreError) as info:
        open_store(target, create=False)
    assert str(info.value) == f"{shown}: no such store (run 'synopsis ingest' first)"
    assert not (tmp_path / "none.db").exists()


def test_open_store_without_create_opens_an_existing_store(db: Path) -> None:
    with open_store(db) as store:
        store.add_articles([make_article(1)])
    for target in (db, str(db), f"sqlite:///{db}"):
        with open_store(target, create=False) as store:
            assert store.get_article("a1") == make_article(1)
    with open_store("sqlite://", create=False) as store:  # memory needs no file
        assert store.article_count() == 0


# -- codec --------------------------------------------------------------------


def test_codec_round_trips_an_article_with_every_field() -> None:
    kind = next(iter(QualityKind))
    article = replace(full_article(), quality=[QualityFlag(kind, ("once morest", "regarding"))])
    values = article_values(article)
    assert len(values) == len(ARTICLE_COLUMNS.split(", "))
    assert all(v is None or isinstance(v, str) for v in values)
    row = tuple(values)  # as a backend would read it back
    loaded = article_from_row(row)
    assert loaded == article
    assert loaded.published == article.published
    assert loaded.published is not None
    assert loaded.published.utcoffset() == timedelta(hours=2)
    for name in ("title", "outlet", "url", "language", "metadata", "removed", "raw_text"):
        assert getattr(loaded, name) == getattr(article, name)
    assert loaded.quality == article.quality
    assert isinstance(loaded.quality[0].kind, QualityKind)
    assert same_article(row, article_values(loaded))


def test_codec_round_trips_a_copy_link() -> None:
    passage = AlignedPassage(1, 2, "The ferry sank.", "The ferry went down.", 0.91)
    link = CopyLink("a1", "a2", CopyKind.REWRITE, 0.75, "a1", (passage,))
    assert copy_link_from_row(copy_link_values(link)) == link


def test_closed_store_raises_store_error(backend: Backend) -> None:
    with backend.open() as store:
        store.add_articles([make_article(1)])
    with pytest.raises(StoreError, match="closed"):
        store.get_article("a1")
    store.close()  # closing twice is fine


# -- stories ------------------------------------------------------------------


@pytest.fixture
def with_articles(store: Store) -> Store:
    store.add_articles([make_article(n) for n in range(1, 7)])
    return store


def test_story_save_and_get(with_articles: Store) -> None:
    store = with_articles
    first = datetime(2024, 4, 1, 8, tzinfo=timezone(timedelta(hours=-5)))
    last = datetime(2024, 4, 2, 8, tzinfo=UTC)
    saved = store.save_story(
        "s1",
        "Floods",
        ["a3", "a1", "a2"],
        first,
        last,
        np.array([0.5, -1.25, 3.0]),
        {"n": 3, "ids": ["a3", "a1", "a2"]},
    )
    loaded = store.get_story("s1")
    assert loaded == saved
    assert loaded.id == "s1"
    assert loaded.title == "Floods"
    assert loaded.article_ids == ["a3", "a1", "a2"]
    assert (loaded.first_published, loaded.last_published) == (first, last)
    assert loaded.merged_into is None
    assert loaded.created == loaded.updated
    assert loaded.created.tzinfo is not None
    assert store.story_state("s1") == {"n": 3, "ids": ["a3", "a1", "a2"]}
    centroid = store.story_centroids()["s1"]
    assert centroid.dtype == np.float32
    assert centroid.tolist() == [0.5, -1.25, 3.0]


def test_saving_a_story_again_replaces_it_and_keeps_created(with_articles: Store) -> None:
    store = with_articles
    before = store.save_story("s1", "Old", ["a1", "a2"], state={"v": 1})
    after = store.save_story("s1", "New", ["a2", "a3"])
    assert after.title == "New"
    assert after.article_ids == ["a2", "a3"]
    assert after.created == before.created
    assert after.updated > before.updated
    assert store.story_of("a1") is None
    assert store.story_state("s1") is None
    assert "s1" not in store.story_centroids()
    assert len(store.list_stories()) == 1


def test_an_article_is_in_at_most_one_story(with_articles: Store, backend: Backend) -> None:
    store = with_articles
    store.save_story("s1", "One", ["a1", "a2"])
    store.save_story("s2", "Two", ["a2", "a3"])  # a2 moves to s2
    assert store.story_of("a1") == "s1"
    assert store.story_of("a2") == "s2"
    assert store.story_of("a6") is None
    assert store.story_of("unknown") is None
    assert store.get_story("s1").article_ids == ["a1"]
    assert backend.count("story_articles") == 3


def test_list_stories_is_by_last_update_then_id(backend: Backend) -> None:
    frozen = datetime(2024, 1, 1, tzinfo=UTC)
    times = iter(
        [frozen, frozen, frozen, frozen + timedelta(seconds=5), frozen + timedelta(seconds=9)]
    )
    clock: Callable[[], datetime] = lambda: next(times)  # noqa: E731
    with backend.open(clock=clock) as store:
        store.add_articles([make_article(n) for n in range(4)])  # at frozen
        store.save_story("b", "B", ["a0"])  # at frozen
        store.save_story("a", "A", ["a1"])  # at frozen: tie, broken by id
        store.save_story("c", "C", ["a2"])  # frozen + 5
        store.save_story("b", "B again", ["a0", "a3"])  # frozen + 9
        stories = store.list_stories()
    assert [s.id for s in stories] == ["b", "c", "a"]
    assert all(isinstance(s, StoryRow) for s in stories)
    assert stories[0].article_ids == ["a0", "a3"]


def test_merge_moves_articles_and_hides_the_merged_story(
    with_articles: Store, backend: Backend
) -> None:
    store = with_articles
    early = datetime(2024, 3, 1, tzinfo=UTC)
    late = datetime(2024, 3, 9, tzinfo=UTC)
    store.save_story("s1", "One", ["a1", "a2"], early, early, np.ones(2))
    store.save_story("s2", "Two", ["a3"], late, late, np.zeros(2))
    store.record_merge("s1", "s2")

    merged = store.get_story("s1")
    assert merged.merged_into == "s2"
    assert merged.article_ids == []
    target = store.get_story("s2")
    assert target.article_ids == ["a3", "a1", "a2"]
    assert (target.first_published, target.last_published) == (early, late)
    assert store.story_of("a1") == "s2"
    assert [s.id for s in store.list_stories()] == ["s2"]
    assert {s.id for s in store.list_stories(include_merged=True)} == {"s1", "s2"}
    assert set(store.story_centroids()) == {"s2"}
    assert backend.count("story_merges") == 1


def test_merge_chains_point_at_the_live_story(with_articles: Store) -> None:
    store = with_articles
    for n in (1, 2, 3):
        store.save_story(f"s{n}", f"S{n}", [f"a{n}"])
    store.record_merge("s1", "s2")
    store.record_merge("s2", "s3")
    assert store.get_story("s1").merged_into == "s3"
    assert store.get_story("s2").merged_into == "s3"
    assert store.get_story("s3").article_ids == ["a3", "a2", "a1"]


def test_bad_merges_are_refused(with_articles: Store) -> None:
    store = with_articles
    store.save_story("s1", "One", ["a1"])
    store.save_story("s2", "Two", ["a2"])
    with pytest.raises(StoreError, match="itself"):
        store.record_merge("s1", "s1")
    with pytest.raises(NotFoundError):
        store.record_merge("s1", "s9")
    store.record_merge("s1", "s2")
    with pytest.raises(StoreError, match="already merged"):
        store.record_merge("s1", "s2")
    with pytest.raises(StoreError, match="already merged"):
        store.record_merge("s2", "s1")
    with pytest.raises(StoreError, match="merged into 's2'"):
        store.save_story("s1", "One again", ["a1"])


# -- copies -------------------------------------------------------------------


def test_copies_upsert_and_copies_among(with_articles: Store, backend: Backend) -> None:
    store = with_articles
    store.save_copies(
        [
            CopyLink("a1", "a2", CopyKind.EXACT, 1.0, "a1"),
            CopyLink("a1", "a2", CopyKind.REWRITE, 0.6),
            CopyLink("a2", "a3", CopyKind.NEAR_DUPLICATE, 0.9, None),
            CopyLink("a4", "a5", CopyKind.TRANSLATION, 0.8, "a5"),
        ]
    )
    store.save_copies([CopyLink("a1", "a2", CopyKind.EXACT, 0.97, "a2")])  # same key: replaced
    assert backend.count("copies") == 4
    assert store.copies_among(["a3", "a1", "a2"]) == [
        CopyLink("a1", "a2", CopyKind.EXACT, 0.97, "a2"),
        CopyLink("a1", "a2", CopyKind.REWRITE, 0.6, None),
        CopyLink("a2", "a3", CopyKind.NEAR_DUPLICATE, 0.9, None),
    ]
    assert store.copies_among(["a1", "a3", "a4"]) == []  # no pair wholly inside
    assert store.copies_among(iter(["a5", "a4"])) == [
        CopyLink("a4", "a5", CopyKind.TRANSLATION, 0.8, "a5")
    ]
    assert isinstance(store.copies_among(["a4", "a5"])[0].kind, CopyKind)


# -- vectors ------------------------------------------------------------------


def test_vectors_round_trip_exactly(store: Store) -> None:
    rng = np.random.default_rng(7)
    v32 = rng.standard_normal(512).astype(np.float32)
    v64 = rng.standard_normal(8)  # float64 in, float32 out
    store.put_vectors("use", {"h1": v32, "h2": v64})
    store.put_vectors("other-model", {"h1": np.zeros(3, dtype=np.float32)})
    got = store.get_vectors(["h2", "missing", "h1"], "use")
    assert list(got) == ["h2", "h1"]
    assert got["h1"].dtype == np.float32
    assert got["h1"].tobytes() == v32.tobytes()
    assert np.array_equal(got["h2"], v64.astype(np.float32))
    assert store.get_vectors(["h1"], "other-model")["h1"].shape == (3,)
    assert store.get_vectors(["h1"], "no-model") == {}
    got["h1"][0] = 123.0  # returned arrays are the caller's to change
    assert store.get_vectors(["h1"], "use")["h1"][0] == v32[0]


def test_vectors_are_replaced_and_must_be_1d(store: Store) -> None:
    store.put_vectors("m", {"k": [1.0, 2.0]})
    store.put_vectors("m", {"k": [3.0, 4.0, 5.0]})
    assert store.get_vectors(["k"], "m")["k"].tolist() == [3.0, 4.0, 5.0]
    with pytest.raises(StoreError, match="1-D"):
        store.put_vectors("m", {"bad": np.ones((2, 2))})


# -- threads ------------------------------------------------------------------


def test_concurrent_reads_while_writing_do_not_fail(backend: Backend) -> None:
    batch = 10
    errors: list[BaseException] = []
    reads = [0] * 4
    done = threading.Event()
    with backend.open() as store:
        store.add_articles([make_article(n) for n in range(batch)])
        store.save_story("s", "S", ["a0"])

        def reader(slot: int) -> None:
            try:
                while not done.is_set():
                    count = store.article_count()
                    assert count % batch == 0, f"saw a half-written batch: {count}"
                    assert store.get_article("a0").id == "a0"
                    assert len(store.get_articles([f"a{count - 1}", "a1"])) == 2
                    assert len(list(store.iter_articles())) >= count
                    assert store.list_stories()[0].id == "s"
                    reads[slot] += 1
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=reader, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        try:
            for start in range(batch, 40 * batch, batch):
                store.add_articles([make_article(n) for n in range(start, start + batch)])
                store.save_story("s", "S", [f"a{start}"], centroid=np.ones(4))
                store.put_vectors("m", {f"k{start}": np.ones(4)})
        finally:
            done.set()
            for thread in threads:
                thread.join(timeout=30)
        assert store.article_count() == 40 * batch
    assert errors == []
    assert all(n > 0 for n in reads)


def test_quality_flags_and_copy_evidence_round_trip(backend: Backend) -> None:
    first = Article(id="q1", text="The ferry sank.", raw_text="The ferry sank.", source="q1")
    body = "The ferry went down."
    second = Article(id="q2", text=body, raw_text=body, source="q2")
    kind = next(iter(QualityKind))
    second.quality = [QualityFlag(kind, ("once morest the wind", "regarding 40"))]
    passage = AlignedPassage(0, 0, "The ferry sank.", "The ferry went down.", 0.91)
    with backend.open() as store:
        store.add_articles([first, second])
        store.save_copies([CopyLink("q1", "q2", CopyKind.REWRITE, 0.9, "q1", (passage,))])
        assert store.get_article("q2").quality == second.quality
        assert store.get_article("q1").quality == []
        assert store.copies_among(["q1", "q2"])[0].evidence == (passage,)


def test_a_version_2_store_gains_the_quality_and_evidence_columns(backend: Backend) -> None:
    article = Article(id="o1", text="Old text here.", raw_text="Old text here.", source="o1")
    with backend.open(migrations=MIGRATIONS[:2]) as old:
        assert old.schema_version == 2
    backend.execute(  # as the version-2 code wrote it: no quality column yet
        "INSERT INTO articles (id, content_hash, source, text, raw_text, seq, ingested_at) "
        "VALUES ('o1', ?, 'o1', 'Old text here.', 'Old text here.', 1, '2026-01-01')",
        (article.content_hash,),
    )
    with backend.open() as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.get_article("o1").quality == []


# -- one transaction, reads beside a write, read-only stores (issue 13) -------------


def test_a_transaction_commits_every_call_together_or_none(backend: Backend) -> None:
    with backend.open() as store:
        with pytest.raises(RuntimeError), store.transaction():
            store.add_articles([make_article(1), make_article(2)])
            store.save_story("s", "S", ["a1"])
            assert store.story_of("a1") == "s"  # the thread that writes reads what it wrote
            raise RuntimeError("killed")
        assert (store.article_count(), store.list_stories()) == (0, [])
        with store.transaction():
            store.add_articles([make_article(1), make_article(2)])
            with pytest.raises(NotFoundError), store.transaction():  # nested: a savepoint
                store.save_story("t", "T", ["a1", "missing"])
            store.save_story("s", "S", ["a1"])
        assert store.article_count() == 2
        assert [row.id for row in store.list_stories()] == ["s"]
        assert store.articles_without_story() == ["a2"]


def test_reads_do_not_wait_for_a_write_transaction(backend: Backend) -> None:
    """Other threads read the committed state at once while a long write transaction is open."""
    with backend.open() as store:
        store.add_articles([make_article(0)])
        store.save_story("s", "S", ["a0"])
        inside = threading.Event()
        release = threading.Event()

        def writer() -> None:
            with store.transaction():
                store.add_articles([make_article(n) for n in range(1, 50)])
                store.save_story("s", "S", [f"a{n}" for n in range(50)])
                inside.set()
                release.wait(timeout=30)

        thread = threading.Thread(target=writer)
        thread.start()
        try:
            assert inside.wait(timeout=30)
            began = time.perf_counter()
            for _ in range(20):
                assert store.article_count() == 1
                assert store.get_story("s").article_ids == ["a0"]
                assert store.get_article("a0").id == "a0"
                assert store.articles_without_story() == []
            took = time.perf_counter() - began
        finally:
            release.set()
            thread.join(timeout=30)
        assert took < 2.0, f"reads waited {took:.1f} s for the write transaction"
        assert store.article_count() == 50
        assert len(store.get_story("s").article_ids) == 50


def test_articles_changed_token(store: Store) -> None:
    before = store.articles_changed()
    store.add_articles([make_article(1)])
    after = store.articles_changed()
    assert after != before
    store.add_articles([make_article(1)])  # unchanged: nothing written
    assert store.articles_changed() == after
    store.add_articles([make_article(1, text="New body.")])
    assert store.articles_changed() != after


def _filled(db: Path | Backend) -> None:
    with db.open() if isinstance(db, Backend) else SQLiteStore(db) as store:
        store.add_articles([make_article(1), make_article(2)])
        store.save_story("s", "S", ["a1", "a2"])


def test_a_read_only_store_reads_and_refuses_writes_without_touching_the_file(
    backend: Backend,
) -> None:
    from synopsis.store import ReadOnlyStoreError

    _filled(backend)
    before = backend.snapshot()
    with open_store(backend.target, read_only=True) as store:
        assert store.read_only
        assert store.get_story("s").article_ids == ["a1", "a2"]
        assert store.get_article("a2") == make_article(2)
        for write in (
            lambda: store.add_articles([make_article(3)]),
            lambda: store.save_story("t", "T", ["a1"]),
            lambda: store.put_vectors("m", {"k": [1.0]}),
            lambda: store.cache_report("s", "v", "{}"),
        ):
            with pytest.raises(ReadOnlyStoreError, match="read-only"):
                write()
        with pytest.raises(ReadOnlyStoreError), store.transaction():
            pass
    assert issubclass(ReadOnlyStoreError, StoreError)
    assert backend.snapshot() == before


def test_open_store_reads_a_store_it_cannot_write(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder (or file) this process may not write: the store opens read-only.

    Tests run as root, which any permission lets through, so ``os.access`` is
    told to say no here; the subprocess test below drops root for real.
    """
    _filled(db)
    real_access = os.access

    def no_writes(path: Any, mode: int, **kwargs: Any) -> bool:
        return False if mode & os.W_OK else real_access(path, mode, **kwargs)

    from synopsis.store import ReadOnlyStoreError

    monkeypatch.setattr(os, "access", no_writes)
    for create in (False, True):
        with open_store(db, create=create) as store:
            assert store.read_only
            assert store.get_story("s").article_ids == ["a1", "a2"]
    with pytest.raises(ReadOnlyStoreError, match="cannot create a store"):
        open_store(db.parent / "other.db")
    assert not (db.parent / "other.db").exists()
    with pytest.raises(StoreError, match="no such store"):
        open_store(db.parent / "other.db", read_only=True)


_READ_AS_NOBODY = """
import json, os, sys
from synopsis.store import open_store
from synopsis.errors import StoreError
if os.geteuid() == 0:  # drop root, which every permission lets through (after the imports:
    os.setgid(65534)   # the interpreter may live in a folder only root can read)
    os.setuid(65534)
out = {}
try:
    with open_store(sys.argv[1], create=False) as store:
        out["read_only"] = store.read_only
        out["story"] = store.get_story("s").article_ids
        out["title"] = store.get_story("s").title
        out["articles"] = store.article_count()
        try:
            store.add_articles([])
            store.put_vectors("m", {"k": [1.0]})
            out["write"] = "written"
        except StoreError as exc:
            out["write"] = str(exc)
except StoreError as exc:
    out["error"] = str(exc)
print(json.dumps(out))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
@pytest.mark.parametrize("leftover_wal", [False, True])
def test_a_store_in_a_read_only_folder_can_be_read(leftover_wal: bool) -> None:
    """In a subprocess without write permission (root drops to ``nobody``).

    Without a ``-shm`` file SQLite cannot read a WAL store whose folder it
    cannot write, even with ``mode=ro``: the store opens it ``immutable``.
    With the ``-wal``/``-shm`` files a writer left (killed, or still open),
    ``mode=ro`` reads them, so committed rows still in the WAL are seen.
    """
    folder = Path(tempfile.mkdtemp(prefix="synopsis-ro-"))
    writer: sqlite3.Connection | None = None
    try:
        db = folder / "news.db"
        _filled(db)
        if leftover_wal:  # commit a row that stays in the WAL: a writer is still open
            writer = sqlite3.connect(db)
            writer.execute("PRAGMA wal_autocheckpoint=0")
            writer.execute("UPDATE stories SET title = 'S2' WHERE id = 's'")
            writer.commit()
            assert (folder / "news.db-wal").exists()
        for path in folder.iterdir():
            path.chmod(0o444)
        folder.chmod(0o555)
        child = subprocess.run(
            [sys.executable, "-c", _READ_AS_NOBODY, str(db)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert child.returncode == 0, child.stderr
        out = json.loads(child.stdout)
        assert "error" not in out, out["error"]
        assert out["read_only"] is True
        assert out["story"] == ["a1", "a2"]
        assert out["title"] == ("S2" if leftover_wal else "S")
        assert out["articles"] == 2
        assert "read-only" in out["write"]
    finally:
        if writer is not None:
            writer.close()
        folder.chmod(0o755)
        shutil.rmtree(folder)


def test_writers_opening_one_new_store_at_once_all_open_it(tmp_path: Path) -> None:
    """Openers racing on a new file: the WAL switch and the schema read wait for each other.

    Before, about one round in ten failed with "database is locked" (the WAL switch does
    not wait) or "not a synopsis store" (the tables were listed in another snapshot than
    the one that lacked ``meta``).
    """
    for round_number in range(30):
        path = tmp_path / f"new-{round_number}.db"
        barrier = threading.Barrier(6)
        errors: list[BaseException] = []

        def open_it(
            path: Path = path,
            barrier: threading.Barrier = barrier,
            errors: list[BaseException] = errors,
        ) -> None:
            barrier.wait()
            try:
                SQLiteStore(path, timeout=10.0).close()
            except Exception as exc:  # collected: a thread's exception would be lost
                errors.append(exc)

        threads = [threading.Thread(target=open_it) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == [], f"round {round_number}: {errors[0]}"
    # A lock that is never released still fails within the timeout, naming the file.
    holder = sqlite3.connect(tmp_path / "stuck.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match=r"stuck\.db: cannot open the store"):
            SQLiteStore(tmp_path / "stuck.db", timeout=0.3)
    finally:
        holder.close()
