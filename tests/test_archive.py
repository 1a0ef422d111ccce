import json
from pathlib import Path
from typing import Any

from synopsis.archive import Archive, _merge_targets
from synopsis.demo import corpus_path
from synopsis.embed import CachedEmbedder
from synopsis.stories import Merge


def _demo_records() -> list[dict[str, Any]]:
    """The demo corpus's JSON records, in publication order."""
    lines = (corpus_path() / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    return sorted(records, key=lambda r: (r.get("published") or "", r["id"]))


def _stories(
    db: Path, batches: list[list[dict[str, Any]]], embedder: CachedEmbedder
) -> list[tuple[str, list[str]]]:
    for batch in batches:
        with Archive.open(db, embedder=embedder) as archive:
            result = archive.ingest(batch)
            assert not result.failures
    with Archive.open(db, create=False, embedder=embedder) as archive:
        return sorted((row.id, sorted(row.article_ids)) for row in archive.store.list_stories())


def test_ingesting_in_two_halves_gives_the_stories_of_one_ingest(
    tmp_path: Path, embedder: CachedEmbedder
) -> None:
    records = _demo_records()
    half = len(records) // 2
    at_once = _stories(tmp_path / "once.db", [records], embedder)
    in_halves = _stories(tmp_path / "halves.db", [records[:half], records[half:]], embedder)
    assert in_halves == at_once
    assert len(at_once) >= 3
    # ids are stable across runs: a fresh store given the same input names the same stories
    again = _stories(tmp_path / "again.db", [records], embedder)
    assert [story_id for story_id, _ in again] == [story_id for story_id, _ in at_once]


def test_reingesting_keeps_story_ids(tmp_path: Path, embedder: CachedEmbedder) -> None:
    records = _demo_records()
    db = tmp_path / "news.db"
    first = _stories(db, [records], embedder)
    second = _stories(db, [records], embedder)
    assert second == first


def test_merge_chains_resolve_to_the_live_story() -> None:
    merges = [Merge("b", "a"), Merge("c", "d"), Merge("a", "e")]
    assert _merge_targets(merges) == {"b": "e", "c": "d", "a": "e"}
