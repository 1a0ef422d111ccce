"""The claim evaluation: synopsis's "same claim" scorer beside two cosine baselines.

Input is a JSON-lines file of sentence pairs ``{"s1": …, "s2": …, "label":
0|1}`` (the MSRP format: 1 = the two say the same thing). In the same run:

* **synopsis**: :class:`~synopsis.align.scorer.ClaimScorer` at its configured
  threshold (``claims.same_claim``), nothing fitted on the file;
* **use-cosine**: the cosine of the default encoder's vectors;
* **tfidf-cosine**: the cosine of TF-IDF vectors fitted on the file's sentences.

Each baseline is given the threshold that is best (by accuracy) *on the file
itself*, an advantage synopsis does not get; the output says so. Pairs per
second count the scorer's whole work, encoding included.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..align.scorer import ClaimScorer, features, word_weights
from ..config import ClaimSettings
from ..embed import Embedder
from ..errors import InputError
from .jsonl import json_lines


@dataclass(frozen=True, slots=True)
class SentencePair:
    """Two sentences and whether they state the same thing."""

    first: str
    second: str
    label: bool


@dataclass(frozen=True, slots=True)
class Scores:
    """Accuracy, precision, recall and F1 of one system's decisions."""

    accuracy: float
    precision: float
    recall: float
    f1: float
    pairs_per_second: float
    threshold: float | None = None
    """The threshold used: a baseline's is the best one on the evaluated file."""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "accuracy": round(self.accuracy, 4),
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "pairs_per_second": round(self.pairs_per_second, 1),
        }
        if self.threshold is not None:
            data["threshold"] = round(self.threshold, 4)
        return data


@dataclass(frozen=True, slots=True)
class ClaimEvaluation:
    """The scorer's figures and the baselines', on the same pairs."""

    pairs: int
    positives: int
    synopsis: Scores
    baselines: dict[str, Scores] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "pairs": self.pairs,
            "positives": self.positives,
            "synopsis": self.synopsis.to_dict(),
            "baselines": {name: s.to_dict() for name, s in self.baselines.items()},
            "note": "baseline thresholds are the best on this very file",
        }


def read_pairs(path: str | Path) -> list[SentencePair]:
    """The pairs of a JSON-lines file; a bad line raises naming the line and field."""
    pairs: list[SentencePair] = []
    for _, where, data in json_lines(path):
        first, second, label = data.get("s1"), data.get("s2"), data.get("label")
        if not isinstance(first, str) or not isinstance(second, str):
            raise InputError(where, "fields 's1' and 's2' must be strings")
        if label not in (0, 1, True, False):
            raise InputError(where, "field 'label' must be 0 or 1")
        pairs.append(SentencePair(first, second, bool(label)))
    if not pairs:
        raise InputError(str(path), "no sentence pairs")
    return pairs


def pair_cosines(pairs: Sequence[SentencePair], embedder: Embedder) -> npt.NDArray[np.float64]:
    """The cosine of each pair's two sentence vectors."""
    first = embedder.encode([p.first for p in pairs])
    second = embedder.encode([p.second for p in pairs])
    return np.asarray(np.sum(first * second, axis=1), dtype=np.float64)


def feature_matrix(
    pairs: Sequence[SentencePair], cosines: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """The scorer's features of every pair, a row each (words weighed over the file)."""
    weights = word_weights(s for p in pairs for s in (p.first, p.second))
    rows = [
        features(p.first, p.second, float(c), weights) for p, c in zip(pairs, cosines, strict=True)
    ]
    return np.asarray(rows, dtype=np.float64)


def fit_weights(
    pairs: Sequence[SentencePair], embedder: Embedder, regularisation: float = 1.0
) -> tuple[tuple[float, ...], float]:
    """Logistic-regression weights and bias of the scorer, fitted on ``pairs``."""
    from sklearn.linear_model import LogisticRegression

    x = feature_matrix(pairs, pair_cosines(pairs, embedder))
    y = np.array([p.label for p in pairs], dtype=np.int64)
    model = LogisticRegression(C=regularisation, max_iter=1000).fit(x, y)
    return tuple(round(float(w), 4) for w in model.coef_[0]), round(float(model.intercept_[0]), 4)


def _scores(
    decisions: npt.NDArray[np.bool_],
    labels: npt.NDArray[np.bool_],
    seconds: float,
    threshold: float | None = None,
) -> Scores:
    true_positive = int(np.sum(decisions & labels))
    precision = true_positive / max(1, int(np.sum(decisions)))
    recall = true_positive / max(1, int(np.sum(labels)))
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(
        accuracy=float(np.mean(decisions == labels)),
        precision=precision,
        recall=recall,
        f1=f1,
        pairs_per_second=len(labels) / seconds if seconds > 0 else float("inf"),
        threshold=threshold,
    )


def best_threshold(
    values: npt.NDArray[np.float64], labels: npt.NDArray[np.bool_]
) -> tuple[float, npt.NDArray[np.bool_]]:
    """The threshold on ``values`` with the best accuracy on ``labels``, and its decisions."""
    order = np.argsort(values)
    ranked, truth = values[order], labels[order]
    # deciding "same" for everything from position k on: correct = negatives before k + positives
    # from k on
    negatives_before = np.concatenate([[0], np.cumsum(~truth)])
    positives_after = np.concatenate([np.cumsum(truth[::-1])[::-1], [0]])
    k = int(np.argmax(negatives_before + positives_after))
    threshold = float(ranked[k]) if k < len(ranked) else float(ranked[-1]) + 1e-6
    return threshold, values >= threshold


def evaluate_claims(
    pairs: Sequence[SentencePair], embedder: Embedder, settings: ClaimSettings | None = None
) -> ClaimEvaluation:
    """The scorer and both baselines on ``pairs``, in the same run."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    labels = np.array([p.label for p in pairs], dtype=bool)
    scorer = ClaimScorer(settings).in_context(s for p in pairs for s in (p.first, p.second))
    start = time.perf_counter()
    cosines = pair_cosines(pairs, embedder)  # both synopsis and the USE baseline need them
    encoding = time.perf_counter() - start
    start = time.perf_counter()
    decisions = np.array(
        [scorer.same(p.first, p.second, float(c)) for p, c in zip(pairs, cosines, strict=True)]
    )
    synopsis = _scores(decisions, labels, encoding + time.perf_counter() - start)
    start = time.perf_counter()
    threshold, decided = best_threshold(cosines, labels)
    use = _scores(decided, labels, encoding + time.perf_counter() - start, threshold)
    start = time.perf_counter()
    tfidf = TfidfVectorizer().fit([s for p in pairs for s in (p.first, p.second)])
    first = tfidf.transform([p.first for p in pairs])
    second = tfidf.transform([p.second for p in pairs])
    tfidf_cosines = np.asarray(first.multiply(second).sum(axis=1), dtype=np.float64).ravel()
    threshold, decided = best_threshold(tfidf_cosines, labels)
    tfidf_scores = _scores(decided, labels, time.perf_counter() - start, threshold)
    return ClaimEvaluation(
        pairs=len(pairs),
        positives=int(labels.sum()),
        synopsis=synopsis,
        baselines={"use-cosine": use, "tfidf-cosine": tfidf_scores},
    )


__all__ = [
    "ClaimEvaluation",
    "Scores",
    "SentencePair",
    "best_threshold",
    "evaluate_claims",
    "feature_matrix",
    "fit_weights",
    "pair_cosines",
    "read_pairs",
]
