"""Fit the "same claim" scorer's weights on MSRP training pairs; print them for config.py.

Usage: python benchmarks/fit_claims.py [PAIRS.jsonl] [--folds 5]

Fits a logistic model over ``synopsis.align.scorer.FEATURES`` with the
default encoder on ``../shared/data/msrp-train.jsonl`` (or the file given),
prints the weights and bias to paste into ``ClaimSettings``, and, so that the
in-sample figure is not taken for more than it is, the accuracy and F1 of
the same model under k-fold cross-validation on the file.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from synopsis.align.scorer import FEATURES
from synopsis.embed import UseEmbedder
from synopsis.evaluation.claims import feature_matrix, pair_cosines, read_pairs

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def main() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pairs", nargs="?", default=str(SHARED / "data" / "msrp-train.jsonl"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--cosines", help="a .npy file to keep the pairs' cosines in between runs")
    args = parser.parse_args()
    pairs = read_pairs(args.pairs)
    cache = Path(args.cosines) if args.cosines else None
    if cache is not None and cache.is_file():
        cosines = np.load(cache)
    else:
        cosines = pair_cosines(pairs, UseEmbedder())
        if cache is not None:
            np.save(cache, cosines)
    x = feature_matrix(pairs, cosines)
    y = np.array([p.label for p in pairs], dtype=np.int64)
    model = LogisticRegression(max_iter=1000).fit(x, y)
    print(f"{len(pairs)} pairs, {int(y.sum())} positive")
    for name, weight in zip(FEATURES, model.coef_[0], strict=True):
        print(f"  {name:18s} {weight:+.4f}")
    weights = ", ".join(f"{w:.4f}" for w in model.coef_[0])
    print(f"weights: tuple[float, ...] = ({weights})")
    print(f"bias: float = {model.intercept_[0]:.4f}")
    predicted = cross_val_predict(LogisticRegression(max_iter=1000), x, y, cv=args.folds)
    tp = int(np.sum((predicted == 1) & (y == 1)))
    precision = tp / max(1, int(np.sum(predicted == 1)))
    recall = tp / max(1, int(np.sum(y == 1)))
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = float(np.mean(predicted == y))
    print(f"{args.folds}-fold cross-validated: accuracy {accuracy:.4f}, F1 {f1:.4f}")


if __name__ == "__main__":
    main()
