"""Clustering scores against gold labels: B-cubed, ARI, V-measure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BCubed:
    """B-cubed precision, recall and F1 (Bagga & Baldwin 1998), averaged over items."""

    precision: float
    recall: float
    f1: float


def bcubed(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> BCubed:
    """B-cubed scores of ``predicted`` cluster labels against ``gold`` labels, item by item."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predicted labels")
    if not gold:
        raise ValueError("B-cubed needs at least one item")
    gold_members: dict[Hashable, set[int]] = defaultdict(set)
    predicted_members: dict[Hashable, set[int]] = defaultdict(set)
    for index, (g, p) in enumerate(zip(gold, predicted, strict=True)):
        gold_members[g].add(index)
        predicted_members[p].add(index)
    precision = recall = 0.0
    for g, p in zip(gold, predicted, strict=True):
        shared = len(gold_members[g] & predicted_members[p])
        precision += shared / len(predicted_members[p])
        recall += shared / len(gold_members[g])
    precision /= len(gold)
    recall /= len(gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BCubed(precision, recall, f1)


@dataclass(frozen=True, slots=True)
class PairErrors:
    """The article pairs a clustering got wrong, by kind.

    ``merged``: pairs put in one cluster that gold keeps apart (false
    merges, the error that makes two outlets look as if they corroborated
    each other); ``split``: pairs gold puts together that the clustering
    keeps apart. ``merged_clusters``: predicted clusters that hold at least
    two articles of each of two or more gold clusters (whole events merged,
    not one stray article).
    """

    merged: int
    split: int
    merged_clusters: int

    @property
    def merge_share(self) -> float:
        """The share of wrong pairs that are false merges (0 where none is wrong)."""
        wrong = self.merged + self.split
        return self.merged / wrong if wrong else 0.0


def pair_errors(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> PairErrors:
    """Count the wrong pairs of ``predicted`` against ``gold`` (see :class:`PairErrors`)."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predicted labels")
    together: dict[tuple[Hashable, Hashable], int] = defaultdict(int)
    gold_sizes: dict[Hashable, int] = defaultdict(int)
    predicted_sizes: dict[Hashable, int] = defaultdict(int)
    for g, p in zip(gold, predicted, strict=True):
        together[(g, p)] += 1
        gold_sizes[g] += 1
        predicted_sizes[p] += 1

    def pairs(n: int) -> int:
        return n * (n - 1) // 2

    right = sum(pairs(n) for n in together.values())
    merged = sum(pairs(n) for n in predicted_sizes.values()) - right
    split = sum(pairs(n) for n in gold_sizes.values()) - right
    parts: dict[Hashable, int] = defaultdict(int)
    for (_, p), n in together.items():
        if n >= 2:
            parts[p] += 1
    return PairErrors(merged, split, sum(1 for n in parts.values() if n >= 2))


__all__ = ["BCubed", "PairErrors", "bcubed", "pair_errors"]
