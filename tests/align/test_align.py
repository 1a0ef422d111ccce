"""Claim alignment: groups of sentences that state the same thing across articles."""

from __future__ import annotations

import numpy as np

from synopsis.align import align_claims, claim_centroid
from synopsis.config import AlignSettings
from synopsis.records import Article, Sentence, Story


def article(article_id: str, texts: list[str]) -> Article:
    sentences = [Sentence(article_id, n, 0, 0, 0, t) for n, t in enumerate(texts)]
    return Article(article_id, " ".join(texts), article_id, sentences=sentences)


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


ARTICLES = {
    "wire": article("wire", ["The ferry capsized in the sound.", "Fourteen people died in it."]),
    "copy": article("copy", ["The ferry capsized in the sound.", "Fourteen people died in it."]),
    "indep": article(
        "indep", ["A ferry overturned in the sound today.", "The mayor opened the hall."]
    ),
}
VECTORS = {
    "wire": np.vstack([unit(1, 0, 0), unit(0, 1, 0)]),
    "copy": np.vstack([unit(1, 0, 0), unit(0, 1, 0)]),
    "indep": np.vstack([unit(0.9, 0.1, 0), unit(0, 0, 1)]),
}


def test_same_claims_align_and_copies_count_once() -> None:
    story = Story("s", ["wire", "copy", "indep"], source_groups=[["wire", "copy"], ["indep"]])
    claims = align_claims(story, ARTICLES, VECTORS, AlignSettings(claim_threshold=0.72))
    by_articles = {tuple(c.articles): c for c in claims}
    capsized = by_articles[("wire", "copy", "indep")]
    assert capsized.independent_support == 2  # wire and its copy are one source
    assert by_articles[("wire", "copy")].independent_support == 1
    assert by_articles[("indep",)].sentences[0].text == "The mayor opened the hall."
    assert capsized.centrality > by_articles[("indep",)].centrality
    centroid = claim_centroid(capsized, VECTORS)
    assert abs(float(np.linalg.norm(centroid)) - 1.0) < 1e-5


def test_a_group_holds_one_sentence_per_article() -> None:
    same = {"a": np.vstack([unit(1, 0), unit(1, 0)])}
    articles = {
        "a": article("a", ["Two identical claims stand here.", "Two identical claims stand here."])
    }
    claims = align_claims(Story("s", ["a"], source_groups=[["a"]]), articles, same)
    assert [len(c.sentences) for c in claims] == [1, 1]


def test_short_sentences_carry_no_claim() -> None:
    articles = {"a": article("a", ["Too short.", "This one is long enough to count."])}
    vectors = {"a": np.vstack([unit(1, 0), unit(0, 1)])}
    claims = align_claims(Story("s", ["a"], source_groups=[["a"]]), articles, vectors)
    assert [c.sentences[0].index for c in claims] == [1]
