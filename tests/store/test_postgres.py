"""What only the PostgreSQL store does, and synopsis end to end on PostgreSQL.

URLs and their passwords, a database without a store, the write lock across
store objects and processes, a server that takes no writes, connections the
server drops, the index folder; then ``synopsis ingest`` and ``synopsis
serve`` over a PostgreSQL URL, and two ingests at once giving the stories
of one. The store tests that every backend shares are in ``test_store.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

psycopg = pytest.importorskip(
    "psycopg", reason="psycopg is not installed (pip install -e '.[dev]')"
)

from store_backends import PostgresCluster  # noqa: E402
from test_crash_safety import INGEST, make_corpus  # noqa: E402

from synopsis.archive import Archive  # noqa: E402
from synopsis.config import Settings  # noqa: E402
from synopsis.embed.testing import HashedWordsEmbedder  # noqa: E402
from synopsis.errors import StoreError  # noqa: E402
from synopsis.records import Article  # noqa: E402
from synopsis.store import ReadOnlyStoreError, Store, open_store  # noqa: E402
from synopsis.store.postgres import PostgresStore, postgres_sql  # noqa: E402
from synopsis.store.urls import mask_password, scrub  # noqa: E402

SRC = Path(__file__).resolve().parents[2] / "src"


def article(n: int, **fields: Any) -> Article:
    return Article(id=f"a{n}", text=f"Body of article {n}.", source=f"in/{n}.txt", **fields)


@pytest.fixture(autouse=True)
def _cache_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def sql(url: str, query: str) -> list[tuple[Any, ...]]:
    """Run ``query`` on a connection of its own, under the store."""
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(query)
        return cursor.fetchall() if cursor.description else []


def database_of(url: str) -> str:
    return str(sql(url, "SELECT current_database()")[0][0])


# -- URLs -----------------------------------------------------------------------


def test_open_store_takes_every_spelling_of_a_postgresql_url(postgres_url: str) -> None:
    rest = postgres_url.partition("://")[2]
    for url in (
        postgres_url,
        f"postgres://{rest}",
        f"postgresql+psycopg://{rest}",
        f"PostgreSQL://{rest}",
    ):
        with open_store(url) as store:
            assert isinstance(store, PostgresStore)
            assert isinstance(store, Store)
            store.add_articles([article(1)])
            assert store.article_count() == 1
            assert repr(store) == f"PostgresStore({url.lower().replace('+psycopg', '')!r})"


def test_a_database_without_a_store_is_no_store_unless_created(postgres_url: str) -> None:
    for options in ({"create": False}, {"read_only": True}):
        with pytest.raises(StoreError) as info:
            open_store(postgres_url, **options)  # type: ignore[arg-type]
        assert str(info.value) == f"{postgres_url}: no such store (run 'synopsis ingest' first)"
    assert sql(postgres_url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'") == []
    with open_store(postgres_url) as store:
        store.add_articles([article(1)])
    with open_store(postgres_url, create=False) as store:
        assert store.get_article("a1") == article(1)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "postgresql://synopsis:hunter2@db.example.org:5432/news",
            "postgresql://synopsis:***@db.example.org:5432/news",
        ),
        (
            "postgresql://synopsis@/news?host=/run/pg&password=hunter2&sslmode=off",
            "postgresql://synopsis@/news?host=/run/pg&password=***&sslmode=off",
        ),
        ("postgresql://db?password=hunter2", "postgresql://db?password=***"),
        ("postgresql://synopsis@db/news", "postgresql://synopsis@db/news"),
        ("news.db", "news.db"),
    ],
)
def test_passwords_are_masked(url: str, shown: str) -> None:
    assert mask_password(url) == shown
    if "hunter2" in url:
        assert "hunter2" not in scrub(f"failed for {url} (hunter2)", url)


def test_a_server_that_cannot_be_reached_is_a_store_error_without_the_password(
    tmp_path: Path,
) -> None:
    for url in (
        f"postgresql://synopsis:hunter2@/news?host={tmp_path}/nowhere",
        f"postgresql://synopsis@/news?host={tmp_path}/nowhere&password=hunter2",
    ):
        with pytest.raises(StoreError, match="cannot connect to the store") as info:
            open_store(url)
        message = str(info.value)
        assert message.startswith(mask_password(url) + ": ")
        assert "hunter2" not in message


def test_the_shared_scripts_are_spelled_for_postgresql() -> None:
    assert postgres_sql("x BLOB, y REAL NOT NULL, blobs TEXT") == (
        "x BYTEA, y DOUBLE PRECISION NOT NULL, blobs TEXT"
    )


# -- text PostgreSQL cannot hold ---------------------------------------------------


def test_an_article_with_a_nul_character_is_refused_naming_it(postgres_url: str) -> None:
    with PostgresStore(postgres_url) as store:
        with pytest.raises(StoreError, match=r"'a2' holds a NUL character"):
            store.add_articles([article(1), article(2, raw_text="Body\x00 of 2.")])
        assert store.article_count() == 0


# -- the write lock across store objects and processes -------------------------------


def test_a_writer_waits_for_another_store_objects_transaction_then_sees_it(
    postgres_url: str,
) -> None:
    """The advisory lock serialises writers as SQLite's BEGIN IMMEDIATE does.

    Once the waiting writer holds the lock, it reads what the other committed.
    """
    with PostgresStore(postgres_url) as first, PostgresStore(postgres_url) as second:
        first.add_articles([article(0)])
        inside = threading.Event()
        seen: list[bool] = []

        def other_writer() -> None:
            inside.wait(timeout=30)
            with second.transaction():
                seen.append(second.has_article("a1"))
                second.add_articles([article(2)])

        thread = threading.Thread(target=other_writer)
        thread.start()
        try:
            with first.transaction():
                first.add_articles([article(1)])
                inside.set()
                time.sleep(0.5)  # the other writer is waiting for the lock meanwhile
                assert not second.has_article("a1")  # its readers see the store as before
                assert seen == []
        finally:
            thread.join(timeout=30)
        assert seen == [True]
        assert [a.id for a in first.iter_articles()] == ["a0", "a1", "a2"]


def test_a_writer_gives_up_after_its_timeout(postgres_url: str) -> None:
    with PostgresStore(postgres_url) as first, PostgresStore(postgres_url, timeout=0.3) as second:
        with first.transaction():
            first.add_articles([article(1)])
            began = time.perf_counter()
            with pytest.raises(
                StoreError, match=r"another writer held the write lock for over 0.3 s"
            ):
                second.add_articles([article(2)])
            assert 0.25 < time.perf_counter() - began < 5
            with pytest.raises(StoreError, match="for over 0 s"), second.transaction(timeout=0):
                pass
            assert second.article_count() == 0
        second.add_articles([article(2)])  # the lock is free again
        assert second.article_count() == 2


def test_a_statement_that_fails_inside_a_transaction_leaves_the_rest_of_it(
    postgres_url: str,
) -> None:
    """PostgreSQL aborts a transaction at its first error; each call is a savepoint, so not here."""
    with PostgresStore(postgres_url) as store:
        with store.transaction():
            store.add_articles([article(1)])
            with pytest.raises(StoreError, match="out of range"):
                store.candidate_vectors_after(0, limit=2**70)  # the server refuses the limit
            store.add_articles([article(2)])
            assert store.article_count() == 2
        assert store.article_count() == 2


# -- servers that take no writes, connections they drop ---------------------------------


def test_a_server_that_takes_no_writes_opens_the_store_read_only(postgres_url: str) -> None:
    with open_store(postgres_url) as store:
        store.add_articles([article(1)])
        store.save_story("s", "S", ["a1"])
    sql(
        postgres_url,
        f"ALTER DATABASE {database_of(postgres_url)} SET default_transaction_read_only = on",
    )
    with pytest.raises(ReadOnlyStoreError, match="takes no writes"):
        PostgresStore(postgres_url)
    with open_store(postgres_url) as store:
        assert store.read_only
        assert store.get_story("s").article_ids == ["a1"]
        with pytest.raises(ReadOnlyStoreError, match="read-only"):
            store.add_articles([article(2)])


def test_connections_the_server_drops_are_opened_again(postgres_url: str) -> None:
    with PostgresStore(postgres_url) as store:
        store.add_articles([article(1)])
        assert store.article_count() == 1  # a pooled read connection now exists
        killed = sql(
            postgres_url,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        assert len(killed) >= 2
        store.add_articles([article(2)])
        assert store.article_count() == 2


# -- the index folder ----------------------------------------------------------------


def test_the_index_folder_is_in_the_users_cache_one_per_store(
    postgres_cluster: PostgresCluster, postgres_url: str, tmp_path: Path
) -> None:
    with PostgresStore(postgres_url) as store, PostgresStore(postgres_url) as again:
        folder = store.index_folder()
        assert folder is not None
        assert folder.parent == tmp_path / "cache" / "synopsis" / "indexes"
        assert not folder.exists()  # created by whoever writes there
        assert again.index_folder() == folder
    other = postgres_cluster.create_database()
    try:
        with PostgresStore(postgres_cluster.url(other)) as store:
            assert store.index_folder() != folder
    finally:
        postgres_cluster.drop_database(other)
    name = database_of(postgres_url)
    postgres_cluster.drop_database(name)  # the same database made again: a new folder
    postgres_cluster.admin(f"CREATE DATABASE {name} TEMPLATE template0")
    with PostgresStore(postgres_url) as store:
        assert store.index_folder() not in (folder, None)


# -- synopsis end to end on PostgreSQL --------------------------------------------------


@pytest.mark.slow
def test_ingest_then_serve_a_story_page_from_postgresql(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``synopsis ingest`` (the URL from SYNOPSIS_DB), ``stories``, then ``serve --db URL``."""
    import uvicorn
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    import synopsis.archive
    from synopsis.cli import app as cli
    from synopsis.demo import corpus_path

    monkeypatch.setattr(synopsis.archive, "load_embedder", lambda settings: HashedWordsEmbedder())
    runner = CliRunner()
    monkeypatch.setenv("SYNOPSIS_DB", postgres_url)
    ingested = runner.invoke(cli, ["ingest", "-q", "--workers", "1", str(corpus_path())])
    assert ingested.exit_code == 0, ingested.output
    monkeypatch.delenv("SYNOPSIS_DB")
    listed = runner.invoke(cli, ["stories", "--db", postgres_url, "--format", "json"])
    assert listed.exit_code == 0, listed.output
    stories = json.loads(listed.stdout)
    assert len(stories) >= 3
    biggest = max(stories, key=lambda s: s["articles"])

    calls: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append(app))
    served = runner.invoke(cli, ["serve", "--db", postgres_url])
    assert served.exit_code == 0, served.output
    (app,) = calls
    assert app.state.settings.web.db == postgres_url
    with TestClient(app, client=("127.0.0.1", 40000)) as client:  # closes the store at the end
        home = client.get("/")
        assert home.status_code == 200
        assert f'href="/stories/{biggest["id"]}"' in home.text
        page = client.get(f"/stories/{biggest['id']}")
        assert page.status_code == 200, page.text
        assert 'class="cite"' in page.text and 'class="evidence"' in page.text
        report = client.get(f"/api/stories/{biggest['id']}").json()
        assert len(report["stories"][0]["articles"]) == biggest["articles"]
        assert client.get("/stories/no-such-story").status_code == 404


def _stories(url: str | Path) -> dict[str, list[str]]:
    with open_store(url, create=False) as store:
        return {row.id: sorted(row.article_ids) for row in store.list_stories()}


def _check_placed_once(url: str, ids: set[str]) -> None:
    """Every article once, each in exactly one live story (read under the store)."""
    assert sorted(row[0] for row in sql(url, "SELECT id FROM articles")) == sorted(ids)
    placed = [
        row[0]
        for row in sql(
            url,
            "SELECT sa.article_id FROM story_articles sa JOIN stories s ON s.id = sa.story_id "
            "WHERE s.merged_into IS NULL",
        )
    ]
    assert len(placed) == len(set(placed)) == len(ids)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    records = make_corpus()
    path = tmp_path_factory.mktemp("corpus") / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path, records


@pytest.fixture
def one_ingest(
    corpus: tuple[Path, list[dict[str, Any]]], tmp_path: Path
) -> Iterator[dict[str, list[str]]]:
    """The stories of one ingest of the corpus (into SQLite: the backends agree)."""
    db = tmp_path / "reference.db"
    with Archive.open(db, Settings(), embedder=HashedWordsEmbedder()) as archive:
        archive.ingest(corpus[1])
    stories = _stories(db)
    assert 5 <= len(stories) < len(corpus[1])  # a corpus with real grouping decisions
    yield stories


@pytest.mark.slow
def test_two_ingests_in_threads_give_the_stories_of_one(
    postgres_url: str,
    corpus: tuple[Path, list[dict[str, Any]]],
    one_ingest: dict[str, list[str]],
) -> None:
    """Two archives (each its own store object) ingest the same input at once.

    The store exists already, so what runs at once is the ingests themselves
    (the test with processes below starts them on an empty database).
    """
    records = corpus[1]
    open_store(postgres_url).close()
    start = threading.Barrier(2)
    results: list[Any] = []
    errors: list[BaseException] = []

    def ingest() -> None:
        try:
            with Archive.open(postgres_url, Settings(), embedder=HashedWordsEmbedder()) as archive:
                start.wait(timeout=60)
                results.append(archive.ingest(records))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=ingest) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    assert sorted(len(r.added) for r in results) == [0, len(records)]
    _check_placed_once(postgres_url, {r["id"] for r in records})
    assert _stories(postgres_url) == one_ingest


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX processes")
def test_two_ingest_processes_give_the_stories_of_one(
    postgres_url: str,
    corpus: tuple[Path, list[dict[str, Any]]],
    one_ingest: dict[str, list[str]],
    tmp_path: Path,
) -> None:
    """Two ``synopsis`` processes ingest the same input into one database at once."""
    path, records = corpus
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    }
    children = [
        subprocess.Popen(
            [sys.executable, "-c", INGEST, postgres_url, str(path), str(tmp_path / f"ready-{n}")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for n in range(2)
    ]
    outputs = [child.communicate(timeout=300) for child in children]
    for child, (_out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err
    added = sorted(json.loads(out.strip().splitlines()[-1])["added"] for out, _ in outputs)
    assert added == [0, len(records)]
    _check_placed_once(postgres_url, {r["id"] for r in records})
    assert _stories(postgres_url) == one_ingest
