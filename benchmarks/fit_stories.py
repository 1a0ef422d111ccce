"""Choose the story clusterer's thresholds on ECB+ dev; check the choice on NeuS val.

Usage: python benchmarks/fit_stories.py [--grid small|wide]

Each gold file is read, cleaned, encoded and its signatures taken once; then
every point of the grid re-clusters the prepared articles (the clusterer is
the only thing that changes), B-cubed F1 is printed for ECB+ dev, and the
best point on ECB+ (ties: the defaults' neighbourhood order) is run on NeuS
val. The values in :class:`synopsis.config.StorySettings` came from this
script; NeuS is never used to choose, only to check.
"""

from __future__ import annotations

import argparse
import itertools
from dataclasses import dataclass, replace
from pathlib import Path

from synopsis.config import StorySettings
from synopsis.embed import UseEmbedder
from synopsis.evaluation.metrics import bcubed
from synopsis.evaluation.stories import read_gold
from synopsis.pipeline.stream import PreparedChunk, prepare_chunk
from synopsis.stories import StoryClusterer, assign_articles

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
GRIDS = {
    "small": {
        "join_threshold": [0.27, 0.28, 0.29],
        "split_threshold": [0.3, 0.33, 0.36],
        "merge_margin": [0.0, 0.02],
        "figure_penalty": [0.0, 0.05, 0.1],
    },
    "wide": {
        "join_threshold": [0.26, 0.27, 0.28, 0.29, 0.3],
        "split_threshold": [0.0, 0.3, 0.32, 0.33, 0.34, 0.36, 0.39],
        "merge_margin": [0.0, 0.01, 0.02],
        "figure_penalty": [0.0, 0.05, 0.1],
        "close_call_margin": [0.0, 0.03, 0.05],
        "signature_weight": [0.1, 0.2, 0.3],
    },
}


@dataclass
class Prepared:
    """A gold file made ready to cluster: what the clusterer reads of each article."""

    chunk: PreparedChunk
    gold: dict[str, str]


def prepare(path: Path, field: str, embedder: UseEmbedder, settings: StorySettings) -> Prepared:
    gold = read_gold(path, field)
    chunk = prepare_chunk([g.article for g in gold], embedder, settings)
    return Prepared(chunk, {g.article.id: g.story for g in gold})


def score(prepared: Prepared, settings: StorySettings) -> tuple[float, float, float, int]:
    chunk = prepared.chunk
    position = {a.id: n for n, a in enumerate(chunk.articles)}
    clusterer = StoryClusterer(settings)
    assign_articles(
        clusterer,
        chunk.articles,
        {a.id: v for a, v in zip(chunk.articles, chunk.vectors, strict=True)},
        {},
        terms=lambda a: chunk.terms[position[a.id]],
        signatures=lambda a: chunk.signatures[position[a.id]],
    )
    ids = list(position)
    b3 = bcubed([prepared.gold[i] for i in ids], [clusterer.story_of(i) or i for i in ids])
    return b3.precision, b3.recall, b3.f1, len(clusterer.splits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", choices=sorted(GRIDS), default="small")
    args = parser.parse_args()
    base = StorySettings()
    embedder = UseEmbedder()
    ecb = prepare(DATA / "ecbplus-dev.jsonl", "story", embedder, base)
    neus = prepare(DATA / "neus-val.jsonl", "event", embedder, base)
    grid = GRIDS[args.grid]
    names = list(grid)
    results = []
    print(" ".join(f"{n:>17}" for n in names) + "      P      R     F1 splits  (ECB+ dev)")
    for values in itertools.product(*(grid[n] for n in names)):
        settings = replace(base, **dict(zip(names, values, strict=True)))
        p, r, f1, splits = score(ecb, settings)
        results.append((f1, values, settings))
        print(
            " ".join(f"{v:>17}" for v in values) + f"  {p:.3f}  {r:.3f}  {f1:.3f} {splits:>6}",
            flush=True,
        )
    best_f1, best_values, best = max(results, key=lambda item: item[0])
    p, r, f1, _ = score(neus, best)
    print(f"best on ECB+ dev: {dict(zip(names, best_values, strict=True))} F1 {best_f1:.3f}")
    print(f"the same on NeuS val (--field event): P {p:.3f} R {r:.3f} F1 {f1:.3f}")
    p, r, f1, _ = score(ecb, base)
    p2, r2, f2, _ = score(neus, base)
    neus_figures = f"NeuS F1 {f2:.3f} (P {p2:.3f} R {r2:.3f})"
    print(f"the defaults: ECB+ dev F1 {f1:.3f} (P {p:.3f} R {r:.3f}); {neus_figures}")


if __name__ == "__main__":
    main()
