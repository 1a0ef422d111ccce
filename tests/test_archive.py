import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import synopsis.archive as archive_module
from synopsis.archive import Archive, _merge_targets
from synopsis.config import Settings
from synopsis.copies.candidates import MinHasher
from synopsis.demo import corpus_path
from synopsis.embed import CachedEmbedder
from synopsis.embed.testing import HashedWordsEmbedder
from synopsis.errors import StoreError
from synopsis.store import SQLiteStore
from synopsis.stories import Merge, best_title, build_story
from synopsis.text.segment import segment


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


# -- nothing lost, nothing stuck (issue 13) -------------------------------------


def _fake_archive(db: Path) -> Archive:
    return Archive.open(db, Settings(), embedder=HashedWordsEmbedder())


def _story_sets(archive: Archive) -> dict[str, list[str]]:
    return {row.id: sorted(row.article_ids) for row in archive.store.list_stories()}


def test_articles_stored_without_a_story_are_assigned_on_the_next_ingest(tmp_path: Path) -> None:
    """A store an older synopsis left when killed between articles and stories is healed."""
    records = _demo_records()
    with _fake_archive(tmp_path / "whole.db") as whole:
        whole.ingest(records)
        expected = _story_sets(whole)
        stored = list(whole.store.iter_articles())
    assert len(expected) >= 3
    # What the killed run had committed: the articles (one transaction), nothing after.
    with SQLiteStore(tmp_path / "killed.db") as killed:
        killed.add_articles(stored)
    with _fake_archive(tmp_path / "killed.db") as archive:
        result = archive.ingest(records)
        assert _story_sets(archive) == expected
        assert result.added == []
        assert sorted(result.unchanged) == sorted(a.id for a in stored)
        assert sorted(result.resumed) == sorted(a.id for a in stored)
        assert archive.store.articles_without_story() == []
        # and the copy links of the resumed articles were found and saved
        assert archive.store.copies_among([a.id for a in stored])
        again = archive.ingest(records)
        assert (again.added, again.resumed, again.stories) == ([], [], [])
        assert _story_sets(archive) == expected


def test_an_ingest_that_fails_midway_stores_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Articles, copies, stories and term statistics commit together, or not at all."""
    records = _demo_records()
    with _fake_archive(tmp_path / "whole.db") as whole:
        whole.ingest(records)
        expected = _story_sets(whole)
    calls = []

    def fail_on_the_third(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("killed while saving stories")
        return best_title(*args, **kwargs)

    db = tmp_path / "news.db"
    monkeypatch.setattr(archive_module, "best_title", fail_on_the_third)
    with _fake_archive(db) as archive, pytest.raises(RuntimeError, match="killed"):
        archive.ingest(records)
    monkeypatch.undo()
    with _fake_archive(db) as archive:
        store = archive.store
        assert (store.article_count(), store.list_stories(), store.copies_among(["wire-1"])) == (
            0,
            [],
            [],
        )
        archive.ingest(records)
        assert _story_sets(archive) == expected


def test_ingest_into_a_read_only_store_is_refused_before_any_work(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with _fake_archive(db) as archive:
        archive.ingest(_demo_records()[:3])
    with Archive.open(db, read_only=True, embedder=HashedWordsEmbedder()) as archive:
        assert archive.store.read_only
        assert len(archive.stories()) >= 1
        story = archive.stories()[0].id
        assert archive.story_report(story).digests  # reports work: vectors kept in memory
        with pytest.raises(StoreError, match="read-only"):
            archive.ingest(_demo_records()[3:])


def test_prepared_ingests_are_stored_together_each_with_its_result(tmp_path: Path) -> None:
    """What the web server does with uploads that wait: one store step, a result each."""
    records = _demo_records()
    with _fake_archive(tmp_path / "once.db") as once:
        once.ingest(records)
        expected = _story_sets(once)
    half = len(records) // 2
    with _fake_archive(tmp_path / "batched.db") as archive:
        first = archive.prepare_ingest(records[:half])
        second = archive.prepare_ingest([*records[half:], records[0]])
        assert archive.store.article_count() == 0  # preparing stores nothing
        one, two = archive.finish_ingest([first, second])
        assert one.added == [r["id"] for r in records[:half]]
        assert two.added == [r["id"] for r in records[half:]]
        assert two.unchanged == [records[0]["id"]]  # as if stored after the first
        assert set(one.stories) | set(two.stories) == set(expected)
        assert _story_sets(archive) == expected


def test_articles_another_writer_stores_meanwhile_are_compared_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Copies are found before the write lock; what another writer stored since, under it."""
    records = _demo_records()
    wire = next(r for r in records if r["id"] == "wire-1")
    reprint = {**wire, "id": "reprint-of-wire-1", "outlet": "Reprint Daily"}
    db = tmp_path / "news.db"
    with _fake_archive(db) as archive, _fake_archive(db) as other:
        archive.ingest([r for r in records if r["id"] != "wire-1"])
        find = archive._find_links
        calls = []

        def then_another_writer(*args: Any, **kwargs: Any) -> Any:
            found = find(*args, **kwargs)
            if not calls:  # between finding the links and taking the write lock
                other.ingest([reprint])
            calls.append(1)
            return found

        monkeypatch.setattr(archive, "_find_links", then_another_writer)
        archive.ingest([wire])
        assert archive.store.copies_among(["wire-1", "reprint-of-wire-1"])
        assert archive.store.story_of("wire-1") == archive.store.story_of("reprint-of-wire-1")


def test_stored_stories_are_titled_and_counted_as_their_members_are(tmp_path: Path) -> None:
    """Saving a story reads its members' titles and links, not their texts, with the same result.

    The title is the titled member closest to the centroid, and a story none
    of whose members has a title is named by its first member's first sentence.
    """
    records = _demo_records()
    untitled = [
        {
            "id": "quiet-1",
            "text": "Harbour cranes fell silent at Vellmar on Monday. Dockers walked out.",
        },
        {
            "id": "quiet-2",
            "text": "Harbour cranes fell silent at Vellmar on Monday. Dockers walked out!",
        },
    ]
    with _fake_archive(tmp_path / "news.db") as archive:
        archive.ingest([*records, *untitled])
        store = archive.store
        for row in store.list_stories():
            articles = store.get_articles(row.article_ids)
            prepared = archive.pipeline.prepare(articles, already_clean=True)
            state = store.story_state(row.id) or {}
            expected = build_story(
                archive._state(row, store.story_centroids([row.id]).get(row.id), state),
                {a.id: a for a in prepared.articles},
                archive._document_vectors(row.article_ids),
                store.copies_among(row.article_ids),
            )
            assert (row.title, state["independent_sources"]) == (
                expected.title,
                expected.independent_sources,
            )
        quiet = store.get_story(store.story_of("quiet-1") or "")
        assert quiet.title == "Harbour cranes fell silent at Vellmar on Monday."
        assert sorted(quiet.article_ids) == ["quiet-1", "quiet-2"]


def test_a_story_split_by_a_later_ingest_moves_its_stored_articles(tmp_path: Path) -> None:
    """A split that takes stored articles out of their story is saved, and halves equal once."""
    from dataclasses import replace

    from synopsis.config import StorySettings

    # Any story of four splits in two halves of two: what a split must save is the point here.
    settings = replace(Settings(), stories=StorySettings(split_min_members=4, split_threshold=0.99))
    bridge = "The mayor of Marrendal opened the new Kalde bridge on Monday after four years."
    records = [
        {"id": f"r{n}", "title": "Marrendal opens the Kalde bridge", "text": f"{bridge} {tail}"}
        for n, tail in enumerate(
            ["Crowds cheered.", "Traffic flowed.", "Crowds cheered loudly.", "Traffic flowed well."]
        )
    ]

    def stories(db: Path, batches: list[list[dict[str, Any]]]) -> dict[str, list[str]]:
        for batch in batches:
            with Archive.open(db, settings, embedder=HashedWordsEmbedder()) as archive:
                assert not archive.ingest(batch).failures
        with Archive.open(db, settings, create=False, embedder=HashedWordsEmbedder()) as archive:
            found = _story_sets(archive)
            for story_id in found:  # every stored story reads back as a report
                assert archive.story_report(story_id).digests
            return found

    once = stories(tmp_path / "once.db", [records])
    halves = stories(tmp_path / "halves.db", [records[:3], records[3:]])
    assert len(once) == 2 and sorted(map(len, once.values())) == [2, 2]
    assert halves == once
    with Archive.open(tmp_path / "halves.db", settings, embedder=HashedWordsEmbedder()) as archive:
        states = archive.store.story_states(list(halves))
        assert any("split" in d for s in states.values() for d in s.get("decisions", []))


def test_an_ingest_hashes_each_new_text_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The candidate lookup's word sets and signatures are those copy detection verifies on."""
    records = _demo_records()
    with _fake_archive(tmp_path / "store.db") as archive:
        archive.ingest(records[: len(records) // 2])
        hashed: list[str] = []
        word_sets = MinHasher.word_sets

        def counted(self: MinHasher, text: str) -> Any:
            hashed.append(text)
            return word_sets(self, text)

        monkeypatch.setattr(MinHasher, "word_sets", counted)
        result = archive.ingest(records[len(records) // 2 :])
        new = {a.text for a in archive.store.get_articles(result.added)}
        links = archive.store.copies_among(list(result.added), evidence=False)
    assert len(new) >= 3 and links  # the second half copies itself: find_copies ran
    assert all(hashed.count(text) == 1 for text in new)


def test_stored_candidates_sentence_vectors_come_from_one_cache_lookup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A late batch's copy candidates are thousands of stored articles: one lookup, not one each."""
    with _fake_archive(tmp_path / "store.db") as archive:
        archive.ingest(_demo_records())
        stored = [segment(a) for a in archive.store.iter_articles()]
        assert len(stored) >= 10
        expected = {
            a.id: archive.pipeline.embedder.encode([s.text for s in a.sentences])
            for a in stored
            if a.sentences
        }
        lookups: list[int] = []
        asked = archive.store.get_vectors

        def counted(keys: Any, model: str) -> Any:
            lookups.append(len(keys))
            return asked(keys, model)

        monkeypatch.setattr(archive.store, "get_vectors", counted)
        found = archive._sentence_vectors(stored)
    assert len(lookups) == 1
    assert found.keys() == expected.keys()
    for article_id, rows in expected.items():
        assert np.array_equal(found[article_id], rows), article_id
