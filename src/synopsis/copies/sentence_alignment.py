"""Sentence alignment: which sentences of one article have a counterpart in another, in order.

The similarity of every sentence pair is one matrix product of unit vectors.
Each sentence of ``a`` is matched to its most similar sentence of ``b`` when
that similarity clears the threshold; the longest chain of matches that is
increasing in both articles (a longest increasing subsequence) is the
in-order alignment. A rewrite keeps most sentences *and* their order; two
independent reports of one event share some facts in any order.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

from ..types import Matrix


@dataclass(frozen=True, slots=True)
class Alignment:
    """The in-order sentence alignment of two articles.

    ``pairs`` are ``(i, j, similarity)``: sentence ``i`` of ``a`` and ``j`` of
    ``b``, increasing in both. ``matched`` counts sentences of ``a`` with a
    counterpart in ``b`` in any order.
    """

    pairs: tuple[tuple[int, int, float], ...]
    matched: int
    a_sentences: int
    b_sentences: int
    containment_ab: float
    containment_ba: float

    @property
    def share(self) -> float:
        """In-order aligned sentences over the sentences of the shorter article."""
        shorter = min(self.a_sentences, self.b_sentences)
        return len(self.pairs) / shorter if shorter else 0.0

    @property
    def order(self) -> float:
        """Of the matched sentences, the share that keep their order."""
        return len(self.pairs) / self.matched if self.matched else 0.0

    @property
    def mean_similarity(self) -> float:
        return float(np.mean([s for _, _, s in self.pairs])) if self.pairs else 0.0


def align_sentences(a: Matrix, b: Matrix, threshold: float) -> Alignment:
    """Align the rows of ``a`` with the rows of ``b`` (L2-normalised sentence vectors)."""
    if len(a) == 0 or len(b) == 0:
        return Alignment((), 0, len(a), len(b), 0.0, 0.0)
    similarity = np.asarray(a, dtype=np.float32) @ np.asarray(b, dtype=np.float32).T
    best_b = similarity.argmax(axis=1)
    best_a_score = similarity.max(axis=1)
    containment_ab = float((best_a_score >= threshold).mean())
    containment_ba = float((similarity.max(axis=0) >= threshold).mean())
    matches = [
        (i, int(best_b[i]), float(best_a_score[i]))
        for i in range(len(a))
        if best_a_score[i] >= threshold
    ]
    pairs = _longest_increasing(matches)
    return Alignment(tuple(pairs), len(matches), len(a), len(b), containment_ab, containment_ba)


def _longest_increasing(
    matches: list[tuple[int, int, float]],
) -> list[tuple[int, int, float]]:
    """The longest subsequence of ``matches`` (sorted by ``i``) strictly increasing in ``j``."""
    tails: list[int] = []  # j at the end of the best chain of each length
    tail_index: list[int] = []
    previous: list[int] = []
    for n, (_i, j, _s) in enumerate(matches):
        length = bisect.bisect_left(tails, j)
        if length == len(tails):
            tails.append(j)
            tail_index.append(n)
        else:
            tails[length] = j
            tail_index[length] = n
        previous.append(tail_index[length - 1] if length else -1)
    chain: list[tuple[int, int, float]] = []
    n = tail_index[-1] if tail_index else -1
    while n >= 0:
        chain.append(matches[n])
        n = previous[n]
    return chain[::-1]


__all__ = ["Alignment", "Matrix", "align_sentences"]
