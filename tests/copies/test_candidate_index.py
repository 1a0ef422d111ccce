"""Persistent copy candidates: an ingest compares new articles with their candidates only."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from synopsis.archive import Archive
from synopsis.config import CopySettings
from synopsis.copies import find_copies
from synopsis.copies.candidate_index import CandidateIndex
from synopsis.embed.testing import HashedWordsEmbedder
from synopsis.records import Article
from synopsis.store import SQLiteStore, Store
from synopsis.text.segment import segment

SYLLABLES = "ka lo mi ne ru ta vo shi pe gu da fi zo be ni".split()
WORDS = sorted(
    {a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES if a != c}
)  # a vocabulary of ~3,000 made-up words: unrelated reports share few of them


def report(rng: random.Random, words: int = 120) -> str:
    sentences = []
    while sum(len(s.split()) for s in sentences) < words:
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 14)))
        sentences.append(body.capitalize() + ".")
    paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    return "\n\n".join(paragraphs)


def spin(text: str) -> str:
    """Every fifth word swapped for another: few shared shingles, most words kept."""
    words = text.split(" ")
    return " ".join(
        WORDS[(WORDS.index(w) + 1) % len(WORDS)] if n % 5 == 0 and w in WORDS else w
        for n, w in enumerate(words)
    )


def make(article_id: str, text: str) -> Article:
    return segment(Article(id=article_id, text=text, source=f"{article_id}.txt"))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with SQLiteStore(tmp_path / "store.db") as opened:
        yield opened


def vectors_of(articles: list[Article], dim: int = 8, seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    return {a.id: rng.normal(size=(len(a.sentences), dim)).astype(np.float32) for a in articles}


def stored(store: Store, index: CandidateIndex, articles: list[Article], vectors: Any) -> None:
    with store.transaction():
        store.add_articles(articles)
        if index.needs_reindex():
            index.reindex([], lambda page: {})
        index.add(articles, vectors)
    index.save()


def test_a_reprint_a_cut_copy_and_a_spin_are_candidates_and_unrelated_reports_are_not(
    store: Store,
) -> None:
    rng = random.Random(7)
    original = report(rng, 300)
    others = [make(f"other{n}", report(rng)) for n in range(20)]
    base = make("original", original)
    index = CandidateIndex(store, CopySettings(), "test-model")
    stored(store, index, [base, *others], vectors_of([base, *others]))
    paragraphs = original.split("\n\n")
    cut = make("cut", "\n\n".join(paragraphs[: len(paragraphs) // 2]))
    spun = make("spun", spin(original))
    reprint = make("reprint", original)
    fresh = make("fresh", report(rng))
    new = [cut, spun, reprint, fresh]
    found = index.lookup(new, {})
    assert "original" in found.banded
    assert set(found.banded) <= {"original", *(o.id for o in others)}
    assert found.neighbours == {}  # no sentence vectors given: no vector search
    assert "original" not in index.lookup([fresh], {}).banded


def test_a_new_copy_of_a_much_copied_report_is_verified_against_its_closest_copies_only(
    store: Store,
) -> None:
    rng = random.Random(11)
    original = report(rng, 300)
    paragraphs = original.split("\n\n")
    reprints = [make(f"reprint{n}", original) for n in range(4)]
    cuts = [  # each a little shorter: further from the original than a reprint
        make(f"cut{n}", "\n\n".join(paragraphs[: len(paragraphs) - 1 - n])) for n in range(6)
    ]
    spins = [make(f"spin{n}", spin(original)) for n in range(3)]
    everything = [*reprints, *cuts, *spins]
    settings = CopySettings(candidate_limit=5)
    index = CandidateIndex(store, settings, "test-model")
    stored(store, index, everything, vectors_of(everything))
    found = index.lookup([make("new", original)], {})
    assert len(found.banded) == 5
    assert set(found.banded) >= {r.id for r in reprints}  # the closest, verified first
    assert not set(found.banded) & {s.id for s in spins}
    unlimited = CandidateIndex(store, CopySettings(candidate_limit=100), "test-model")
    assert set(unlimited.lookup([make("new", original)], {}).banded) >= {
        a.id for a in [*reprints, *cuts]
    }


def test_the_nearest_stored_vectors_are_candidates_beyond_any_shared_word(store: Store) -> None:
    stored_articles = [make(f"s{n}", f"Sentence number {n} here.") for n in range(6)]
    dim = 4
    basis = np.eye(dim, dtype=np.float32)
    vectors = {a.id: basis[[n % dim]] for n, a in enumerate(stored_articles)}
    index = CandidateIndex(store, CopySettings(candidate_neighbours=1), "test-model")
    stored(store, index, stored_articles, vectors)
    translated = make("es", "Una frase completamente distinta.")
    close = np.array([[0.1, 0.0, 0.99, 0.0]], dtype=np.float32)
    found = index.lookup([translated], {"es": close})
    assert found.banded == [] and found.neighbours == {"es": ["s2"]}
    assert found.stored() == ["s2"]
    far = np.array([[-1.0, -1.0, -1.0, -1.0]], dtype=np.float32)
    assert index.lookup([translated], {"es": far}).stored() == []  # below candidate_similarity


def test_the_local_vector_index_is_saved_reloaded_and_catches_up_with_other_writers(
    store: Store,
) -> None:
    first = [make(f"a{n}", f"Alpha sentence {n}.") for n in range(3)]
    index = CandidateIndex(store, CopySettings(candidate_neighbours=1), "test-model")
    dim = 3
    stored(
        store, index, first, {a.id: np.eye(dim, dtype=np.float32)[[n]] for n, a in enumerate(first)}
    )
    folder = store.index_folder()
    assert folder is not None
    saved = list(folder.glob("*.usearch"))
    assert len(saved) == 1
    state = json.loads(saved[0].with_suffix(".json").read_text())
    assert state["position"] == 3 and sorted(state["ids"].values()) == ["a0", "a1", "a2"]
    # Another writer adds an article; this one's saved index has not seen it.
    other = CandidateIndex(store, CopySettings(candidate_neighbours=1), "test-model")
    late = make("late", "Late sentence.")
    stored(store, other, [late], {"late": np.array([[1.0, 1.0, 0.0]], dtype=np.float32)})
    fresh = CandidateIndex(store, CopySettings(candidate_neighbours=1), "test-model")
    query = make("q", "Query words.")
    found = fresh.lookup([query], {"q": np.array([[0.9, 1.0, 0.0]], dtype=np.float32)})
    assert found.neighbours == {"q": ["late"]}


def test_an_unreadable_local_index_is_rebuilt_from_the_store(store: Store) -> None:
    articles = [make(f"a{n}", f"Alpha sentence {n}.") for n in range(3)]
    index = CandidateIndex(store, CopySettings(candidate_neighbours=1), "test-model")
    stored(
        store,
        index,
        articles,
        {a.id: np.eye(3, dtype=np.float32)[[n]] for n, a in enumerate(articles)},
    )
    folder = store.index_folder()
    assert folder is not None
    for path in folder.iterdir():
        path.write_bytes(b"not an index")
    fresh = CandidateIndex(store, CopySettings(candidate_neighbours=1), "test-model")
    query = make("q", "Query words.")
    found = fresh.lookup([query], {"q": np.array([[0.0, 0.0, 1.0]], dtype=np.float32)})
    assert found.neighbours == {"q": ["a2"]}


def test_the_local_index_of_a_store_created_again_at_the_same_path_is_rebuilt(
    tmp_path: Path,
) -> None:
    def indexed(ids: list[str]) -> None:
        with SQLiteStore(tmp_path / "store.db") as store:
            index = CandidateIndex(store, CopySettings(candidate_neighbours=2), "test-model")
            articles = [make(i, f"Sentence of {i}.") for i in ids]
            vectors = {a.id: np.eye(4, dtype=np.float32)[[n]] for n, a in enumerate(articles)}
            stored(store, index, articles, vectors)

    indexed(["old0", "old1", "old2", "old3"])
    for path in tmp_path.glob("store.db*"):
        if path.is_file():
            path.unlink()  # the store goes; the index folder beside it stays
    indexed(["new0", "new1"])  # positions 1 and 2 again, other articles
    with SQLiteStore(tmp_path / "store.db") as store:
        fresh = CandidateIndex(store, CopySettings(candidate_neighbours=2), "test-model")
        query = make("q", "Query words.")
        found = fresh.lookup([query], {"q": np.array([[1.0, 1.0, 0.0, 0.0]], dtype=np.float32)})
    assert sorted(found.neighbours["q"]) == ["new0", "new1"]


def test_other_copy_settings_or_another_encoder_need_a_reindex(store: Store) -> None:
    articles = [make("a", report(random.Random(1), 200))]
    index = CandidateIndex(store, CopySettings(), "model-1")
    assert index.needs_reindex()  # nothing indexed yet
    stored(store, index, articles, {})
    assert not index.needs_reindex()
    assert CandidateIndex(
        store, CopySettings(candidate_word_threshold=0.5), "model-1"
    ).needs_reindex()
    assert CandidateIndex(store, CopySettings(), "model-2").needs_reindex()
    other = CandidateIndex(store, CopySettings(candidate_word_threshold=0.5), "model-1")
    with store.transaction():
        assert other.reindex([articles], lambda page: {}) == 1
    assert not other.needs_reindex()
    copy = make("copy", articles[0].text)
    assert other.lookup([copy], {}).banded == ["a"]


# -- through the archive ------------------------------------------------------


def corpus(seed: int = 3, originals: int = 12) -> list[dict[str, Any]]:
    """Originals with reprints, cut copies and spins, shuffled, as JSON records."""
    rng = random.Random(seed)
    records: list[dict[str, Any]] = []
    for n in range(originals):
        text = report(rng, 200)
        records.append({"id": f"o{n}", "text": text})
        paragraphs = text.split("\n\n")
        if n % 3 == 0:
            records.append({"id": f"o{n}-reprint", "text": text.replace(".", " .", 1)})
        if n % 3 == 1:
            records.append({"id": f"o{n}-cut", "text": "\n\n".join(paragraphs[:3])})
        if n % 2 == 0:
            records.append({"id": f"o{n}-spin", "text": spin(text)})
    rng.shuffle(records)
    return records


class NoWholeStoreReads:
    """A store that fails the test when something reads every article or every story."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.allowed = True

    def __getattr__(self, name: str) -> Any:
        if not self.allowed and name in {"iter_articles", "list_stories", "article_hashes"}:
            raise AssertionError(f"an ingest read the whole store ({name})")
        attribute = getattr(self._store, name)
        if not self.allowed and name == "story_centroids":
            return lambda story_ids=None: (
                _fail("story_centroids of every story")
                if story_ids is None
                else attribute(story_ids)
            )
        return attribute


def _fail(what: str) -> Any:
    raise AssertionError(f"an ingest read the whole store ({what})")


def test_ingesting_in_batches_finds_the_links_of_comparing_everything_at_once(
    tmp_path: Path,
) -> None:
    records = corpus()
    embedder = HashedWordsEmbedder(64)
    spy = NoWholeStoreReads(SQLiteStore(tmp_path / "batches.db"))
    with Archive(spy, embedder=embedder) as archive:  # type: ignore[arg-type]
        archive.ingest(records[:10])
        spy.allowed = False  # from the second batch on, nothing reads the whole store
        archive.ingest(records[10:20])
        archive.ingest(records[20:])
        spy.allowed = True
        articles = list(archive.store.iter_articles())
        in_batches = {
            (link.a, link.b, link.kind)
            for link in archive.store.copies_among([a.id for a in articles])
        }
        prepared = archive.pipeline.prepare(articles, already_clean=True)
        everything = {
            (link.a, link.b, link.kind)
            for link in find_copies(
                prepared.articles, archive.settings.copies, prepared.sentence_vectors
            )
        }
    assert len(everything) >= 8
    assert in_batches == everything


def test_a_store_written_without_the_indexes_is_indexed_once_then_compared(
    tmp_path: Path,
) -> None:
    records = corpus(seed=5, originals=6)
    originals = [r for r in records if "-" not in r["id"]]
    copies = [r for r in records if "-" in r["id"]]
    db = tmp_path / "old.db"
    embedder = HashedWordsEmbedder(64)
    with Archive.open(db, embedder=embedder) as archive:
        archive.ingest(originals)
    # As a synopsis without candidate indexes left it:
    with SQLiteStore(db) as raw, raw.transaction():
        conn = raw._conn
        assert conn is not None
        conn.execute("DELETE FROM candidate_keys")
        conn.execute("DELETE FROM candidate_vectors")
        conn.execute("DELETE FROM meta WHERE key LIKE 'copies.%' OR key LIKE 'candidate_%'")
    shutil.rmtree(tmp_path / "old.db.indexes")  # and no local index beside it
    with Archive.open(db, embedder=embedder) as archive:
        archive.ingest(copies)
        ids = [a.id for a in archive.store.iter_articles()]
        linked = {(link.a, link.b) for link in archive.store.copies_among(ids)}
    for record in copies:
        original = record["id"].split("-")[0]
        assert (original, record["id"]) in linked or (record["id"], original) in linked, record[
            "id"
        ]
