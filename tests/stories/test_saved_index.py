"""The open-story index kept beside a store: an ingest loads only the stories it meets.

Ingesting in batches through the saved index gives the stories of one
ingest; a missing, unreadable or stale index (another writer changed the
stories) is rebuilt from the store with the same result; and an ingest on a
saved index reads neither the open stories as a whole nor most of them.
"""

from __future__ import annotations

import random
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from synopsis.archive import Archive
from synopsis.config import StorySettings
from synopsis.embed.testing import HashedWordsEmbedder
from synopsis.store import SQLiteStore, Store
from synopsis.stories.index import StoryIndex, StoryLabel
from synopsis.stories.saved_index import REVISION_META, SavedStoryIndex

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
SYLLABLES = ["ka", "lo", "mir", "ten", "vas", "qu", "dro", "pel", "sin", "bor", "fae", "gul"]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()


def corpus() -> list[dict[str, Any]]:
    """Events of the same kind, each with its own names, nine days apart, told by four outlets.

    Events a season apart fall out of one another's window, so stories close
    while later batches come in.
    """
    rng = random.Random(7)
    records: list[dict[str, Any]] = []
    for n in range(24):
        names = [_word(rng) for _ in range(10)]
        when = T0 + timedelta(days=9 * n)
        facts = [
            " ".join(rng.sample(names, 7)) + f" collapsed, officials of {names[0]} said."
            for _ in range(4)
        ]
        for outlet in range(4):
            text = " ".join(facts[outlet:] + facts[:outlet])
            if outlet == 3:
                text = facts[0] + " " + facts[3]
            records.append(
                {
                    "id": f"e{n}-o{outlet}",
                    "title": f"{names[0]} bridge collapses" if outlet != 2 else None,
                    "text": text,
                    "outlet": f"Outlet {outlet}",
                    "published": (when + timedelta(hours=5 * outlet)).isoformat(),
                }
            )
    return sorted(records, key=lambda r: (r["published"], r["id"]))


def _stories(store: Store) -> list[tuple[str, list[str]]]:
    return sorted((row.id, sorted(row.article_ids)) for row in store.list_stories())


def _ingest(db: Path, batches: list[list[dict[str, Any]]]) -> list[tuple[str, list[str]]]:
    for batch in batches:
        with Archive.open(db, embedder=HashedWordsEmbedder(64)) as archive:
            assert not archive.ingest(batch).failures
    with Archive.open(db, embedder=HashedWordsEmbedder(64)) as archive:
        return _stories(archive.store)


def _index_files(db: Path) -> list[Path]:
    return sorted((db.parent / (db.name + ".indexes")).glob("stories-*"))


def _batches(records: list[dict[str, Any]], count: int) -> list[list[dict[str, Any]]]:
    size = -(-len(records) // count)
    return [records[i : i + size] for i in range(0, len(records), size)]


@pytest.fixture(scope="module")
def at_once(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, list[str]]]:
    stories = _ingest(tmp_path_factory.mktemp("once") / "once.db", [corpus()])
    assert 12 <= len(stories) < len(corpus())
    return stories


def test_batches_through_the_saved_index_give_the_stories_of_one_ingest(
    tmp_path: Path, at_once: list[tuple[str, list[str]]]
) -> None:
    db = tmp_path / "batches.db"
    assert _ingest(db, _batches(corpus(), 6)) == at_once
    assert [p.suffix for p in _index_files(db)] == [".json", ".usearch"]


def test_a_lost_unreadable_or_stale_index_is_rebuilt_with_the_same_stories(
    tmp_path: Path, at_once: list[tuple[str, list[str]]]
) -> None:
    db = tmp_path / "news.db"
    batches = _batches(corpus(), 6)
    _ingest(db, batches[:2])
    kept = tmp_path / "kept"
    kept.mkdir()
    for path in _index_files(db):
        shutil.copy(path, kept / path.name)
    _ingest(db, batches[2:3])
    for path in kept.iterdir():  # the index of two batches ago: stale
        shutil.copy(path, db.parent / (db.name + ".indexes") / path.name)
    _ingest(db, batches[3:4])
    for path in _index_files(db):  # unreadable
        path.write_bytes(b"\x00garbage")
    _ingest(db, batches[4:5])
    for path in _index_files(db):  # lost
        path.unlink()
    assert _ingest(db, batches[5:]) == at_once


class CountingStore:
    """A store that counts the stories an ingest reads, and fails on reading all open ones."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.read: set[str] = set()
        self.strict = False

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._store, name)
        if self.strict and name in {"active_stories", "list_stories", "story_clock"}:
            raise AssertionError(f"an ingest on a saved index read every open story ({name})")
        if name in {"get_stories", "story_states", "story_centroids"}:

            def counted(ids: Any = None) -> Any:
                self.read.update(ids or ())
                return attribute(ids)

            return counted
        return attribute


def test_an_ingest_on_the_saved_index_reads_only_the_stories_it_meets(tmp_path: Path) -> None:
    records = corpus()
    spy = CountingStore(SQLiteStore(tmp_path / "news.db"))
    with Archive(spy, embedder=HashedWordsEmbedder(64)) as archive:  # type: ignore[arg-type]
        archive.ingest(records[:-2])
        rows = spy._store.list_stories()
        clock = max(row.last_published for row in rows if row.last_published)
        window = timedelta(days=StorySettings().window_days)
        still_open = {
            row.id for row in rows if row.last_published and row.last_published >= clock - window
        }
        spy.read.clear()
        spy.strict = True
        archive.ingest(records[-2:])
        spy.strict = False
    assert spy.read  # the new articles met stories...
    assert spy.read <= still_open  # ...open ones only, loaded as their searches found them
    assert len(still_open) < len(rows) / 2


def test_the_story_index_keeps_its_labels_across_a_save(tmp_path: Path) -> None:
    index = StoryIndex(4, exact_limit=100)
    vectors = np.eye(4, dtype=np.float32)
    index.put(1, vectors[0], StoryLabel("s-one", 1000.0))
    index.put(2, vectors[1], StoryLabel("s-two", None))
    index.put(3, vectors[2], StoryLabel("s-three", 5.0))
    index.remove(3)
    index.put(1, vectors[3], StoryLabel("s-one", 2000.0))  # moved on
    path = tmp_path / "stories.usearch"
    index.save(path, {"revision": "r1"})
    restored = StoryIndex.restore(path, exact_limit=100)
    assert restored is not None
    again, extra = restored
    assert extra == {"revision": "r1"}
    assert again.labels() == {1: StoryLabel("s-one", 2000.0), 2: StoryLabel("s-two", None)}
    assert again.search(vectors[3], 1) == [1]
    assert again.search(vectors[1], 1) == [2]
    path.with_suffix(".json").write_text('{"dim": 4, "labels": [[1, "s-one", null]], "extra": {}}')
    assert StoryIndex.restore(path, exact_limit=100) is None  # two stories, one label
    path.with_suffix(".json").write_text("not json")
    assert StoryIndex.restore(path, exact_limit=100) is None
    assert StoryIndex.restore(tmp_path / "missing.usearch", exact_limit=100) is None


def test_a_saved_index_is_restored_only_for_its_revision_encoder_and_window(
    tmp_path: Path,
) -> None:
    index = StoryIndex(2, exact_limit=10)
    index.put(7, np.array([1.0, 0.0], dtype=np.float32), StoryLabel("s7", 3.0))
    clock = datetime(2024, 5, 1, tzinfo=UTC)
    saved = SavedStoryIndex(tmp_path, "encoder-a", StorySettings())
    saved.save(index, clock, "rev-1")
    restored = saved.restore("rev-1")
    assert restored is not None and restored[1] == clock and restored[0].labels() == index.labels()
    assert saved.restore("rev-2") is None
    assert saved.restore(None) is None
    assert SavedStoryIndex(tmp_path, "encoder-b", StorySettings()).restore("rev-1") is None
    other_window = SavedStoryIndex(tmp_path, "encoder-a", StorySettings(window_days=7))
    assert other_window.restore("rev-1") is None
    nowhere = SavedStoryIndex(None, "encoder-a", StorySettings())
    nowhere.save(index, clock, "rev-1")
    assert nowhere.restore("rev-1") is None
    assert REVISION_META == "stories.revision"
