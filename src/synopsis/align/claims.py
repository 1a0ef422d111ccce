"""Alignment: sentences across a story's articles that state the same thing.

Sentences are taken article by article (in the story's order) and each joins
the claim group whose centroid it is most similar to, if similar enough and if
the group holds no sentence of the same article yet; otherwise it opens a new
group. Multilingual vectors let a translated or spun sentence join the group
of its original. The groups then take, many to many, the sentences of other
articles that state one of their claims in fewer or other words
(:mod:`.support`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..config import AlignSettings, ClaimSettings
from ..records import Article, ClaimGroup, Sentence, Story
from ..types import Encode
from ..types import Matrix as Matrix
from .support import extend_claims


def claim_sentences(article: Article, settings: AlignSettings) -> list[Sentence]:
    """The sentences of ``article`` long enough to carry a claim."""
    return [s for s in article.sentences if len(s.text.split()) >= settings.min_sentence_words]


def align_claims(
    story: Story,
    articles: Mapping[str, Article],
    sentence_vectors: Mapping[str, Matrix],
    settings: AlignSettings | None = None,
    *,
    encode: Encode | None = None,
    claim_settings: ClaimSettings | None = None,
) -> list[ClaimGroup]:
    """Claim groups of ``story``.

    ``sentence_vectors[id]`` holds one row per sentence of article ``id``.
    With ``settings.many_to_many`` the groups then take the sentences of other
    articles that state one of their claims below the sentence
    (:func:`.support.extend_claims`; ``encode`` gives clauses their vectors).
    """
    settings = settings or AlignSettings()
    claims = _align_sentences(story, articles, sentence_vectors, settings)
    if not settings.many_to_many:
        return claims
    return extend_claims(story, claims, sentence_vectors, encode, settings, claim_settings)


def _align_sentences(
    story: Story,
    articles: Mapping[str, Article],
    sentence_vectors: Mapping[str, Matrix],
    settings: AlignSettings,
) -> list[ClaimGroup]:
    """Whole-sentence groups: each sentence joins the nearest group's centroid or opens one."""
    source_of = {a: n for n, group in enumerate(story.source_groups) for a in group}
    groups: list[list[Sentence]] = []
    sums: list[Matrix] = []
    group_articles: list[set[str]] = []
    all_vectors: list[Matrix] = []
    for article_id in story.article_ids:
        article = articles[article_id]
        vectors = sentence_vectors[article_id]
        for sentence in claim_sentences(article, settings):
            vector = vectors[sentence.index]
            all_vectors.append(vector)
            best = _best_group(vector, sums, group_articles, article_id, settings.claim_threshold)
            if best is None:
                groups.append([sentence])
                sums.append(vector.astype(np.float32).copy())
                group_articles.append({article_id})
            else:
                groups[best].append(sentence)
                sums[best] = sums[best] + vector
                group_articles[best].add(article_id)
    if not groups:
        return []
    story_centroid = _normalise(np.sum(np.vstack(all_vectors), axis=0))
    claims: list[ClaimGroup] = []
    for number, (members, total) in enumerate(zip(groups, sums, strict=True)):
        sources = {source_of.get(s.article_id, -1 - i) for i, s in enumerate(members)}
        claims.append(
            ClaimGroup(
                id=f"{story.id}-c{number}",
                sentences=members,
                centrality=float(_normalise(total) @ story_centroid),
                independent_support=len(sources),
            )
        )
    return claims


def _best_group(
    vector: Matrix,
    sums: Sequence[Matrix],
    group_articles: Sequence[set[str]],
    article_id: str,
    threshold: float,
) -> int | None:
    if not sums:
        return None
    centroids = np.vstack(sums)
    centroids /= np.clip(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-9, None)
    scores = centroids @ vector
    for index in np.argsort(-scores, kind="stable"):
        if scores[index] < threshold:
            return None
        if article_id not in group_articles[index]:
            return int(index)
    return None


def _normalise(vector: Matrix) -> Matrix:
    norm = float(np.linalg.norm(vector))
    return (vector / norm if norm else vector).astype(np.float32)


def claim_centroid(claim: ClaimGroup, sentence_vectors: Mapping[str, Matrix]) -> Matrix:
    """The normalised mean vector of the sentences that state a claim group as a whole."""
    rows = [sentence_vectors[s.article_id][s.index] for s in claim.own]
    return _normalise(np.sum(np.vstack(rows), axis=0))
