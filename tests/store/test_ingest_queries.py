"""The store queries that keep one ingest's cost independent of the store's size.

Candidate indexes (band keys and search vectors), the stories an ingest
reads (active ones, by id, the stories of given articles), the story clock,
what saving a story reads of its members (titles, links without evidence)
and the store's metadata.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from store_backends import Backend

from synopsis.errors import NotFoundError, StoreError
from synopsis.records import AlignedPassage, Article, CopyKind, CopyLink
from synopsis.store import SQLiteStore, Store

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def article(n: int) -> Article:
    return Article(id=f"a{n}", text=f"Body {n}.", source=f"in/{n}.txt")


@pytest.fixture
def store(backend: Backend) -> Iterator[Store]:
    with backend.open() as opened:
        opened.add_articles([article(n) for n in range(1, 7)])
        yield opened


# -- candidate keys -----------------------------------------------------------


def test_candidate_matches_are_the_other_articles_sharing_a_band_key(store: Store) -> None:
    store.put_candidate_keys(
        {
            "a1": [(0, 11), (1, 12)],
            "a2": [(0, 11), (1, 99)],
            "a3": [(1, 12)],
            "a4": [(0, 12), (1, 11)],  # same numbers in other bands: no match
        }
    )
    found = store.candidate_matches({"a1": [(0, 11), (1, 12)], "new": [(1, 99)], "x": [(5, 5)]})
    assert found == {"a1": ["a2", "a3"], "new": ["a2"], "x": []}


def test_candidate_matches_come_in_ingest_order_and_take_signed_64_bit_keys(store: Store) -> None:
    big, small = 2**63 - 1, -(2**63)
    store.put_candidate_keys({"a5": [(2, big)], "a2": [(2, big), (3, small)], "a4": [(3, small)]})
    assert store.candidate_matches({"q": [(2, big), (3, small)]}) == {"q": ["a2", "a4", "a5"]}


def test_new_keys_of_an_article_replace_its_old_ones(store: Store) -> None:
    store.put_candidate_keys({"a1": [(0, 1)], "a2": [(0, 1)]})
    store.put_candidate_keys({"a1": [(0, 2)]})
    assert store.candidate_matches({"q": [(0, 1)]}) == {"q": ["a2"]}
    assert store.candidate_matches({"q": [(0, 2)]}) == {"q": ["a1"]}


def test_keys_of_an_unknown_article_are_refused_and_nothing_is_written(store: Store) -> None:
    with pytest.raises(NotFoundError, match="nope"):
        store.put_candidate_keys({"a1": [(0, 7)], "nope": [(0, 7)]})
    assert store.candidate_matches({"q": [(0, 7)]}) == {"q": []}


def test_keys_written_in_a_rolled_back_transaction_are_gone(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.put_candidate_keys({"a1": [(0, 7)]})
        assert store.candidate_matches({"q": [(0, 7)]}) == {"q": ["a1"]}
        raise RuntimeError("killed")
    assert store.candidate_matches({"q": [(0, 7)]}) == {"q": []}


def test_a_thousand_articles_match_in_one_call(store: Store) -> None:
    store.add_articles([article(n) for n in range(10, 1010)])
    store.put_candidate_keys(
        {f"a{n}": [(b, n % 50 + 1000 * b) for b in range(8)] for n in range(10, 1010)}
    )
    asked = {f"q{n}": [(b, n + 1000 * b) for b in range(8)] for n in range(50)}
    found = store.candidate_matches(asked)
    assert all(len(found[f"q{n}"]) == 20 for n in range(50))


def test_ingest_order_sorts_stored_ids_and_leaves_out_unknown_ones(store: Store) -> None:
    assert store.ingest_order(["a5", "zz", "a2", "a5", "a1"]) == ["a1", "a2", "a5"]
    assert store.ingest_order([]) == []


# -- candidate vectors --------------------------------------------------------


def test_candidate_vectors_come_back_by_growing_position(store: Store) -> None:
    store.put_candidate_vectors({"a1": [1.0, 0.0], "a2": [0.0, 1.0]})
    store.put_candidate_vectors({"a3": np.array([0.5, 0.5])})
    rows = store.candidate_vectors_after(0)
    assert [(p, i) for p, i, _ in rows] == [(1, "a1"), (2, "a2"), (3, "a3")]
    assert rows[2][2].dtype == np.float32
    np.testing.assert_allclose(rows[2][2], [0.5, 0.5])
    assert [i for _, i, _ in store.candidate_vectors_after(1, limit=1)] == ["a2"]
    assert store.candidate_vectors_after(3) == []


def test_a_replaced_vector_takes_a_new_position_and_positions_are_never_reused(
    store: Store,
) -> None:
    store.put_candidate_vectors({"a1": [1.0, 0.0], "a2": [0.0, 1.0]})
    store.put_candidate_vectors({"a2": [1.0, 1.0]})  # the last position is left, not reused
    rows = store.candidate_vectors_after(0)
    assert [(p, i) for p, i, _ in rows] == [(1, "a1"), (3, "a2")]
    with pytest.raises(NotFoundError):
        store.put_candidate_vectors({"ghost": [1.0, 0.0]})
    store.put_candidate_vectors({"a4": [0.0, 1.0]})
    assert [p for p, _, _ in store.candidate_vectors_after(0)] == [1, 3, 4]


def test_the_index_folder_sits_beside_the_store_file(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "news.db") as store:
        assert store.index_folder() == tmp_path / "news.db.indexes"
        assert not (tmp_path / "news.db.indexes").exists()  # created by whoever writes there
    with SQLiteStore(":memory:") as memory:
        assert memory.index_folder() is None


# -- stories an ingest reads --------------------------------------------------


def test_active_stories_are_those_dated_after_the_cut_or_undated(store: Store) -> None:
    plus_two = timezone(timedelta(hours=2))
    store.save_story("old", "Old", ["a1"], T0 - timedelta(days=90), T0 - timedelta(days=80))
    store.save_story("recent", "Recent", ["a2"], T0 - timedelta(days=3), T0 - timedelta(days=2))
    # 11:00 at +02:00 is 09:00 UTC: before the cut at 10:00 UTC, although "11" > "10" as text
    store.save_story("offset", "Offset", ["a3"], T0, datetime(2024, 5, 1, 11, 0, tzinfo=plus_two))
    store.save_story("undated", "Undated", ["a4"])
    store.save_story("merged", "Merged", ["a5"], T0 - timedelta(days=4), T0 - timedelta(days=4))
    store.record_merge("merged", "recent")
    cut = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert {row.id for row in store.active_stories(cut)} == {"undated"}
    week = {row.id for row in store.active_stories(T0 - timedelta(days=7))}
    assert week == {"recent", "offset", "undated"}
    assert {row.id for row in store.active_stories(None)} == {"old", "recent", "offset", "undated"}
    assert [r.id for r in store.active_stories(None)] == [r.id for r in store.list_stories()]
    recent = next(r for r in store.active_stories(None) if r.id == "recent")
    assert recent.article_ids == ["a2", "a5"]


def test_the_story_clock_is_the_latest_last_published_of_a_live_story(store: Store) -> None:
    assert store.story_clock() is None
    plus_two = timezone(timedelta(hours=2))
    store.save_story("s1", "One", ["a1"], T0, datetime(2024, 5, 1, 13, 0, tzinfo=plus_two))
    store.save_story("s2", "Two", ["a2"], T0, T0)  # 12:00 UTC is later than 11:00 UTC
    assert store.story_clock() == T0
    store.save_story("s3", "Three", ["a3"], T0, T0 + timedelta(days=1))
    store.record_merge("s3", "s1")
    clock = store.story_clock()
    assert clock is not None and clock.timestamp() == (T0 + timedelta(days=1)).timestamp()


def test_stories_by_id_their_states_centroids_and_the_stories_of_articles(store: Store) -> None:
    store.save_story("s1", "One", ["a1", "a2"], centroid=[1.0, 0.0], state={"key": 1})
    store.save_story("s2", "Two", ["a3"], centroid=[0.0, 1.0])
    store.save_story("s3", "Three", ["a4"], state={"key": 3})
    assert [r.id for r in store.get_stories(["s3", "s1"])] == ["s3", "s1"]
    assert store.get_stories(["s1"])[0].article_ids == ["a1", "a2"]
    with pytest.raises(NotFoundError, match="s9"):
        store.get_stories(["s1", "s9"])
    assert store.story_states(["s1", "s2", "s3", "s9"]) == {"s1": {"key": 1}, "s3": {"key": 3}}
    assert set(store.story_centroids(["s2", "s3"])) == {"s2"}
    assert set(store.story_centroids()) == {"s1", "s2"}
    assert store.stories_of(["a1", "a3", "a6", "zz"]) == {"a1": "s1", "a3": "s2"}


# -- metadata -----------------------------------------------------------------


def test_article_titles_are_by_id_for_stored_articles_only(backend: Backend) -> None:
    with backend.open() as store:
        store.add_articles(
            [
                Article(id="t1", text="One.", source="t/1", title="Quay reopens"),
                Article(id="t2", text="Two.", source="t/2"),
            ]
        )
        assert store.article_titles(["t2", "missing", "t1", "t2"]) == {
            "t2": None,
            "t1": "Quay reopens",
        }
        assert store.article_titles([]) == {}


def test_copies_among_can_leave_the_evidence_unread(store: Store) -> None:
    passage = AlignedPassage(0, 0, "Body 1.", "Body 2.", 0.97)
    store.save_copies(
        [
            CopyLink("a1", "a2", CopyKind.REWRITE, 0.8, "a1", (passage,)),
            CopyLink("a2", "a5", CopyKind.EXACT, 1.0, None),
        ]
    )
    full = store.copies_among(["a1", "a2", "a5"])
    bare = store.copies_among(["a5", "a2", "a1"], evidence=False)
    assert [link.evidence for link in full] == [(passage,), ()]
    assert bare == [replace(link, evidence=()) for link in full]
    assert store.copies_among(["a1", "a5"], evidence=False) == []


def test_metadata_round_trips_and_the_store_keeps_its_own_keys(store: Store) -> None:
    assert store.get_meta("stories.sequence") is None
    store.set_meta("stories.sequence", "41")
    store.set_meta("stories.sequence", "42")
    assert store.get_meta("stories.sequence") == "42"
    for reserved in ("schema_version", "candidate_vectors.last_position", ""):
        with pytest.raises(StoreError, match="store's own"):
            store.set_meta(reserved, "1")
    assert store.get_meta("schema_version") == "5"
