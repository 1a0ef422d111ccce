"""Copy kinds beyond exact and near-duplicate: rewrites, translations, cut copies, candidates."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import demo_truths as truths
from synopsis import Report
from synopsis.config import CopySettings
from synopsis.copies import align_sentences, find_copies, source_groups
from synopsis.copies.candidates import (
    EXACT_SEARCH_MAX,
    HashedTexts,
    MinHasher,
    band_candidates,
    band_keys,
    estimated_containment,
    estimated_jaccard,
    lsh_shape,
    vector_candidates,
)
from synopsis.copies.rewrite import is_rewrite
from synopsis.copies.sentence_alignment import Alignment
from synopsis.records import Article, CopyKind
from synopsis.text.segment import segment


def _keyed_links(report: Report) -> dict[frozenset[str], str]:
    keys = {a.id: truths.article_key(a.id, a.path) for a in report.articles}
    return {frozenset({keys[c.a], keys[c.b]}): str(c.kind) for c in report.copies}


def test_demo_copy_kinds_match_the_truth(demo_report: Report) -> None:
    links = _keyed_links(demo_report)
    for pair in truths.NEAR_DUPLICATE_PAIRS:
        assert links[pair] == "near-duplicate"
    assert links[frozenset(truths.SPIN_PAIR)] == "rewrite"
    assert links[frozenset(truths.TRANSLATION_PAIR)] == "translation"
    for independent in truths.INDEPENDENT_IDS:
        assert not [pair for pair in links if independent in pair], independent


def test_rewrite_link_carries_aligned_passages_and_origin(demo_report: Report) -> None:
    keys = {a.id: truths.article_key(a.id, a.path) for a in demo_report.articles}
    spin = next(c for c in demo_report.copies if {keys[c.a], keys[c.b]} == set(truths.SPIN_PAIR))
    assert spin.score == 1.0  # all 24 sentences aligned, in order
    assert len(spin.evidence) == 24
    assert [p.a_sentence for p in spin.evidence] == list(range(24))
    first = spin.evidence[0]
    wire = demo_report.article(spin.a)
    assert first.a_text == wire.sentences[0].text
    assert first.similarity >= 0.75
    assert keys[spin.origin or ""] == truths.WIRE_ID  # published earlier
    data = json.loads(demo_report.to_json())
    entry = next(c for c in data["copies"] if c["kind"] == "rewrite")
    assert set(entry["evidence"][0]) == {
        "a_sentence",
        "b_sentence",
        "a_text",
        "b_text",
        "similarity",
    }


def test_demo_main_story_counts_the_wire_family_once(demo_report: Report) -> None:
    keys = {a.id: truths.article_key(a.id, a.path) for a in demo_report.articles}
    main = next(
        d.story
        for d in demo_report.digests
        if truths.WIRE_ID in {keys[a] for a in d.story.article_ids}
    )
    family = {
        truths.WIRE_ID,
        truths.COPY1_ID,
        truths.COPY2_ID,
        truths.SPIN_ID,
        truths.TRANSLATION_ID,
    }
    groups = [{keys[a] for a in g} for g in main.source_groups]
    assert family in groups
    # The wire family counts once; summary-1, indep-1 and the page are sources of their own.
    assert main.independent_sources == 4
    assert len(main.article_ids) == 8


def test_align_sentences_keeps_the_longest_in_order_chain() -> None:
    eye = np.eye(5, dtype=np.float32)
    # b holds a's sentences 0, 1, 3, 2, 4: four of five keep their order.
    alignment = align_sentences(eye, eye[[0, 1, 3, 2, 4]], threshold=0.9)
    assert alignment.matched == 5
    assert [(i, j) for i, j, _ in alignment.pairs] in (
        [(0, 0), (1, 1), (2, 3), (4, 4)],
        [(0, 0), (1, 1), (3, 2), (4, 4)],
    )
    assert alignment.share == pytest.approx(0.8)
    assert alignment.order == pytest.approx(0.8)
    assert align_sentences(eye[:0], eye, 0.9).pairs == ()


def _alignment(pairs: int, a: int, b: int, matched: int, similarity: float) -> Alignment:
    chain = tuple((n, n, similarity) for n in range(pairs))
    return Alignment(chain, matched, a, b, pairs / a, pairs / b)


def test_rewrite_rule_needs_share_order_and_for_short_texts_near_verbatim() -> None:
    settings = CopySettings()
    assert is_rewrite(_alignment(8, 10, 12, 8, 0.8), settings)
    assert not is_rewrite(_alignment(5, 10, 12, 5, 0.9), settings)  # share 0.5
    assert not is_rewrite(_alignment(8, 10, 12, 16, 0.9), settings)  # order 0.5
    assert not is_rewrite(_alignment(2, 2, 2, 2, 0.8), settings)  # short, only paraphrase
    assert is_rewrite(_alignment(2, 2, 2, 2, 0.9), settings)  # short, near-verbatim


def _article(article_id: str, text: str, language: str = "en") -> Article:
    return segment(
        Article(id=article_id, text=text, raw_text=text, source=article_id, language=language)
    )


WIRE = (
    "Heavy rain flooded the lower town of Brennstad on Tuesday, forcing 300 people from their "
    "homes, the fire service said. The river rose two metres in six hours after a week of "
    "storms. Mayor Lotte Grim said the town would open three shelters and asked residents to "
    "avoid the riverside roads. Forecasters expect more rain on Thursday. The army has sent 40 "
    "soldiers to help build sandbag walls along the embankment. Schools in the lower town will "
    "stay closed until Monday, the education office said. Insurers said it was too early to "
    "estimate the damage."
)


def test_cut_copy_is_a_near_duplicate_by_containment() -> None:
    words = WIRE.split()
    cut = " ".join(words[: len(words) // 2])
    links = find_copies([_article("a", WIRE), _article("b", cut)])
    assert [(k.a, k.b, k.kind) for k in links] == [("a", "b", CopyKind.NEAR_DUPLICATE)]
    assert 0.4 < links[0].score < 0.5  # Jaccard below the threshold; containment 1.0
    assert links[0].origin == "a"


def test_rewrite_and_translation_need_sentence_vectors_and_use_them() -> None:
    a, b, c = (
        _article("a", "One. Two. Three."),
        _article("b", "Uno. Dos. Tres."),
        _article("c", "Eins. Zwei. Drei.", language="de"),
    )
    b.language = "es"
    vectors = np.eye(3, dtype=np.float32)
    assert find_copies([a, b, c]) == []
    links = find_copies([a, b, c], CopySettings(), {"a": vectors, "b": vectors, "c": vectors})
    assert {(k.a, k.b): k.kind for k in links} == {
        ("a", "b"): CopyKind.TRANSLATION,
        ("a", "c"): CopyKind.TRANSLATION,
        ("b", "c"): CopyKind.TRANSLATION,
    }
    a2 = _article("d", "Ein. Zwo. Dri.", language="en")
    links = find_copies([a, a2], CopySettings(), {"a": vectors, "d": vectors})
    assert [k.kind for k in links] == [CopyKind.REWRITE]
    assert [(p.a_sentence, p.b_sentence) for p in links[0].evidence] == [(0, 0), (1, 1), (2, 2)]


def test_minhash_estimates_and_banding() -> None:
    hasher = MinHasher(num_perm=128, seed=3)
    words = WIRE.split()
    sets = [
        hasher.word_sets(WIRE),
        hasher.word_sets(" ".join(words[:-6])),
        hasher.word_sets("The central bank raised its main interest rate by a quarter point."),
    ]
    signatures = hasher.signatures(s.shingles for s in sets)
    true = len(set(sets[0].shingles) & set(sets[1].shingles)) / len(
        set(sets[0].shingles) | set(sets[1].shingles)
    )
    assert estimated_jaccard(signatures, 0, 1) == pytest.approx(true, abs=0.1)
    assert estimated_jaccard(signatures, 0, 2) < 0.05
    assert band_candidates(signatures, 0.5) == {(0, 1)}
    assert estimated_containment(0.5, 100, 50) == pytest.approx(1.0)
    # Same seed, same signature: candidates are reproducible across runs.
    again = MinHasher(num_perm=128, seed=3).signatures([sets[0].shingles])
    assert np.array_equal(again[0], signatures[0])


def _band_keys_one_band_at_a_time(signatures: np.ndarray, threshold: float) -> np.ndarray:
    """The band keys as first written (a loop over bands): the stored keys must not change."""
    bands, rows = lsh_shape(threshold, signatures.shape[1])
    keys = np.zeros((signatures.shape[0], bands), dtype=np.uint64)
    for band in range(bands):
        block = signatures[:, band * rows : (band + 1) * rows]
        key = block[:, 0].copy()
        for column in range(1, rows):
            with np.errstate(over="ignore"):
                key = key ^ (key >> np.uint64(30))
                key = key * np.uint64(0xBF58476D1CE4E5B9)
                key = key ^ (key >> np.uint64(27))
                key = key * np.uint64(0x94D049BB133111EB)
                key = key ^ (key >> np.uint64(31))
            key = key ^ block[:, column]
        keys[:, band] = key
    return keys


@pytest.mark.parametrize("threshold", [0.3, 0.4, 0.5, 0.8])
def test_band_keys_are_those_of_one_band_at_a_time_for_one_row_or_many(threshold: float) -> None:
    hasher = MinHasher(num_perm=128, seed=5)
    texts = [WIRE, WIRE[: len(WIRE) // 2], "Short text.", ""]
    signatures = hasher.signatures(hasher.word_sets(t).shingles for t in texts)
    expected = _band_keys_one_band_at_a_time(signatures, threshold)
    assert np.array_equal(band_keys(signatures, threshold), expected)
    for n in range(len(texts)):
        assert np.array_equal(band_keys(signatures[n : n + 1], threshold)[0], expected[n])


def test_hashed_texts_share_sets_and_signatures_and_keep_rows_together() -> None:
    hasher = MinHasher(num_perm=64, seed=2)
    texts = [WIRE, "The central bank raised its main interest rate.", ""]
    hashed = hasher.hash_texts(texts)
    assert np.array_equal(hashed.shingles, hasher.signatures(s.shingles for s in hashed.sets))
    assert np.array_equal(hashed.words, hasher.signatures(s.words for s in hashed.sets))
    picked = hashed.subset([2, 0])
    assert picked.sets == [hashed.sets[2], hashed.sets[0]]
    assert np.array_equal(picked.shingles, hashed.shingles[[2, 0]])
    assert hashed.subset([]).shingles.shape == (0, 64)
    with pytest.raises(ValueError, match="one set and two signatures"):
        HashedTexts(hashed.sets[:1], hashed.shingles, hashed.words)


def test_vector_candidates_find_close_pairs_only() -> None:
    vectors = np.array([[1, 0, 0], [0.95, 0.31, 0], [0, 0, 1]], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    assert vector_candidates(vectors, neighbours=2, min_similarity=0.8) == {(0, 1)}


def test_seed_rewrites_linked_and_unrelated_pair_not(
    seeds_report: Report, seeds: list[Path]
) -> None:
    by_file = {Path(a.path or "").name[:3]: a.id for a in seeds_report.articles}
    links = {frozenset({c.a, c.b}): c for c in seeds_report.copies}
    rewrite = links[frozenset({by_file["000"], by_file["001"]})]
    assert rewrite.kind is CopyKind.REWRITE
    assert rewrite.score >= 0.8
    assert frozenset({by_file["003"], by_file["004"]}) not in links
    story = seeds_report.digests[0].story
    groups = source_groups(story.article_ids, seeds_report.copies)
    assert story.independent_sources == len(groups) == len(story.article_ids) - 1


def test_vector_candidates_of_a_large_batch_are_the_same_on_every_run() -> None:
    # Past EXACT_SEARCH_MAX the search is approximate: the graph must not depend on threads.
    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(EXACT_SEARCH_MAX + 1500, 24)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    runs = [vector_candidates(vectors, neighbours=8, min_similarity=0.3) for _ in range(4)]
    assert runs[0] and all(run == runs[0] for run in runs[1:])
