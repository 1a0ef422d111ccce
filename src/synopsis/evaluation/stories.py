"""Story clustering measured against gold stories, beside two baselines in the same run.

Input: a JSON Lines file, one article per line (``id``, ``title``, ``text``,
optional ``published``/``outlet``/``url``, and the gold story in a field,
``story`` by default), or one *event* per line holding an ``articles`` list
(as NeuS does): each listed article becomes one article whose gold story is
the line's field (``event`` for NeuS).

Methods, each scored with B-cubed precision/recall/F1, ARI and V-measure:

- ``synopsis``: the incremental clusterer on the cheap path (clean, language,
  title + lead vector, terms, assign), no story count given;
- ``tfidf-average-link``: TF-IDF of title + text, average-link agglomerative
  clustering on cosine distance, *given the gold number of stories*;
- ``hdbscan``: HDBSCAN on the same document vectors synopsis uses.

Beside the scores, each method's wrong article pairs are split into false
merges and false splits (:class:`~.metrics.PairErrors`), and synopsis's
run says how many articles took the clusterer's second look, how many
decisions it changed (by kind) and how many stories split.

Articles per second counts everything each method does after reading
(synopsis: cleaning, embedding and assignment; the baselines reuse cleaned
texts and vectors, so their rate counts clustering only).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.cluster import HDBSCAN, AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, v_measure_score

from ..config import StorySettings
from ..embed import CachedEmbedder, Embedder
from ..errors import InputError
from ..pipeline.stages import prepare_article
from ..pipeline.stream import StoryStream, signal_vectors
from ..records import Article
from .jsonl import json_lines
from .metrics import PairErrors, bcubed, pair_errors


@dataclass(frozen=True, slots=True)
class GoldArticle:
    """An article read from a gold file, with its gold story."""

    article: Article
    story: str


@dataclass(frozen=True, slots=True)
class MethodScore:
    """One method's scores on a gold file."""

    method: str
    precision: float
    recall: float
    f1: float
    ari: float
    v_measure: float
    stories: int
    articles_per_second: float
    given_story_count: bool
    errors: PairErrors

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "bcubed_precision": round(self.precision, 4),
            "bcubed_recall": round(self.recall, 4),
            "bcubed_f1": round(self.f1, 4),
            "ari": round(self.ari, 4),
            "v_measure": round(self.v_measure, 4),
            "stories": self.stories,
            "articles_per_second": round(self.articles_per_second, 1),
            "given_story_count": self.given_story_count,
            "merged_pairs": self.errors.merged,
            "split_pairs": self.errors.split,
            "merge_share_of_errors": round(self.errors.merge_share, 4),
            "merged_stories": self.errors.merged_clusters,
        }


@dataclass(frozen=True, slots=True)
class SecondLook:
    """What synopsis's second look did on a gold file (see :mod:`synopsis.stories.clusterer`)."""

    articles: int
    looked: int
    changed: dict[str, int]
    splits: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "looked": self.looked,
            "changed": dict(sorted(self.changed.items())),
            "splits": self.splits,
        }


@dataclass(frozen=True, slots=True)
class StoryEvaluation:
    """Every method's scores on one gold file."""

    path: str
    articles: int
    gold_stories: int
    scores: list[MethodScore]
    failures: int = 0
    second_look: SecondLook | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "articles": self.articles,
            "gold_stories": self.gold_stories,
            "failures": self.failures,
            "methods": [score.to_dict() for score in self.scores],
            "second_look": None if self.second_look is None else self.second_look.to_dict(),
        }


def read_gold(path: str | Path, field: str = "story") -> list[GoldArticle]:
    """Articles and their gold stories from a JSON Lines file (see the module's notes)."""
    gold: list[GoldArticle] = []
    for number, where, row in json_lines(path):
        story = row.get(field)
        if not isinstance(story, str | int) or isinstance(story, bool) or story == "":
            raise InputError(str(where), f"field {field!r} (the gold story) is missing or empty")
        if isinstance(row.get("articles"), list):
            for index, item in enumerate(row["articles"]):
                if not isinstance(item, dict):
                    raise InputError(str(where), f"articles[{index}] is not an object")
                item_id = str(item.get("id") or f"{story}/{index}")
                gold.append(
                    GoldArticle(_article(item, item_id, f"{where} articles[{index}]"), str(story))
                )
        else:
            article_id = str(row.get("id") or f"line-{number}")
            gold.append(GoldArticle(_article(row, article_id, where), str(story)))
    if not gold:
        raise InputError(str(path), "no articles")
    ids = [g.article.id for g in gold]
    if len(set(ids)) != len(ids):
        raise InputError(str(path), "article ids repeat")
    return gold


def _article(row: dict[str, Any], article_id: str, where: str) -> Article:
    title = row.get("title")
    text = row.get("text")
    if title is not None and not isinstance(title, str):
        raise InputError(str(where), "field 'title' must be a string")
    if text is not None and not isinstance(text, str):
        raise InputError(str(where), "field 'text' must be a string")
    if not (title or text):
        raise InputError(str(where), "needs a 'title' or a 'text'")
    published = None
    if row.get("published"):
        try:
            published = datetime.fromisoformat(str(row["published"]))
        except ValueError as exc:
            raise InputError(str(where), "field 'published' is not an ISO 8601 time") from exc
    return Article(
        id=article_id,
        text=text or "",
        source=where,
        title=title or None,
        outlet=row.get("outlet"),
        url=row.get("url"),
        published=published,
    )


def score_method(
    method: str,
    gold: Sequence[Hashable],
    predicted: Sequence[Hashable],
    seconds: float,
    given_story_count: bool,
) -> MethodScore:
    b3 = bcubed(gold, predicted)
    return MethodScore(
        method=method,
        precision=b3.precision,
        recall=b3.recall,
        f1=b3.f1,
        ari=float(adjusted_rand_score(gold, predicted)),
        v_measure=float(v_measure_score(gold, predicted)),
        stories=len(set(predicted)),
        articles_per_second=len(gold) / seconds if seconds > 0 else float("inf"),
        given_story_count=given_story_count,
        errors=pair_errors(gold, predicted),
    )


def evaluate_stories(
    path: str | Path,
    embedder: Embedder,
    settings: StorySettings | None = None,
    field: str = "story",
    clock: Callable[[], float] = time.perf_counter,
) -> StoryEvaluation:
    """Score synopsis's stories and the two baselines on the gold file at ``path``."""
    settings = settings or StorySettings()
    # The baselines cluster the vectors synopsis computed: encode each text once.
    embedder = embedder if isinstance(embedder, CachedEmbedder) else CachedEmbedder(embedder)
    gold_articles = read_gold(path, field)
    articles = [g.article for g in gold_articles]
    gold_of = {g.article.id: g.story for g in gold_articles}

    start = clock()
    stream = StoryStream(embedder, settings)
    result = stream.add(articles)
    final = {a: story.id for story in stream.clusterer.stories for a in story.article_ids}
    seconds = clock() - start
    placed = [a.id for a in articles if a.id in final]
    gold = [gold_of[a] for a in placed]
    scores = [score_method("synopsis", gold, [final[a] for a in placed], seconds, False)]
    clusterer = stream.clusterer
    changed: dict[str, int] = {}
    for decision in clusterer.decisions:
        changed[decision.action] = changed.get(decision.action, 0) + 1
    second_look = SecondLook(len(placed), clusterer.second_looks, changed, len(clusterer.splits))

    prepared = [prepare_article(a) for a in articles if a.id in final]
    vectors = signal_vectors(prepared, embedder, settings.signal_sentences)
    matrix = np.vstack([vectors[a.id] for a in prepared])
    texts = [f"{a.title or ''}\n{a.text}" for a in prepared]
    count = len(set(gold))

    start = clock()
    tfidf = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    distances = np.clip(1.0 - (tfidf @ tfidf.T).toarray(), 0.0, None)
    np.fill_diagonal(distances, 0.0)
    labels = AgglomerativeClustering(
        n_clusters=min(count, len(prepared)), metric="precomputed", linkage="average"
    ).fit_predict(distances)
    scores.append(score_method("tfidf-average-link", gold, labels.tolist(), clock() - start, True))

    start = clock()
    labels = HDBSCAN(min_cluster_size=2, metric="euclidean", copy=True).fit_predict(matrix)
    # HDBSCAN's noise points (-1) are stories of their own.
    named = [int(n) if n >= 0 else -(i + 1) for i, n in enumerate(labels.tolist())]
    scores.append(score_method("hdbscan", gold, named, clock() - start, False))
    return StoryEvaluation(str(path), len(placed), count, scores, len(result.failures), second_look)


__all__ = [
    "GoldArticle",
    "MethodScore",
    "SecondLook",
    "StoryEvaluation",
    "evaluate_stories",
    "read_gold",
]
