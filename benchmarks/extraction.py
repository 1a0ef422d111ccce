"""HTML extraction quality on the article-extraction-benchmark (``../shared/data/aeb``).

Scores synopsis's HTML reader (trafilatura + fallback + our cleaning) side by
side with plain ``trafilatura.extract`` in the same run, with the benchmark's
published scorer: tokens are ``\\w+`` runs, shingles are 4 consecutive tokens
(counted as a multiset), and each page's true/false positives and false
negatives are normalised so that long pages weigh no more than short ones.
Two figures are printed per extractor: the benchmark's headline F1 (harmonic
mean of the page-averaged precision and recall, as ``evaluate.py`` computes
it) and the mean of the per-page F1s.

Run: ``python benchmarks/extraction.py [--data ../shared/data/aeb] [--worst 10]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from synopsis.readers.fields import Draft
from synopsis.readers.html import draft_from_html_bytes
from synopsis.records import Article
from synopsis.text.clean import clean

_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class PageScore:
    page: str
    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        return 0.0 if self.tp == self.fp == 0 else self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        return 0.0 if self.tp == self.fn == 0 else self.tp / (self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def shingle_counts(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    grams = [tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1))]
    return Counter(g for g in grams if g)


def score_page(page: str, true: str, pred: str) -> PageScore:
    truth, predicted = shingle_counts(true), shingle_counts(pred)
    tp = fp = fn = 0.0
    for key in truth.keys() | predicted.keys():
        t, p = truth.get(key, 0), predicted.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    total = tp + fp + fn
    if total:
        tp, fp, fn = tp / total, fp / total, fn / total
    return PageScore(page, tp, fp, fn)


def summary(scores: list[PageScore]) -> dict[str, float]:
    precision = statistics.mean(s.precision for s in scores if s.tp + s.fp > 0)
    recall = statistics.mean(s.recall for s in scores if s.tp + s.fn > 0)
    return {
        "f1": 2 * precision * recall / (precision + recall),
        "precision": precision,
        "recall": recall,
        "mean_page_f1": statistics.mean(s.f1 for s in scores),
    }


def synopsis_text(html: bytes, name: str) -> str:
    draft = draft_from_html_bytes(html, name, name)
    if not isinstance(draft, Draft):
        return ""
    article = Article(id=name, text=draft.body, raw_text=draft.body, source=name)
    return clean(article).text


def trafilatura_text(html: bytes, name: str) -> str:
    return trafilatura.extract(html.decode("utf-8", errors="replace")) or ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[2] / "shared" / "data" / "aeb"
    parser.add_argument("--data", type=Path, default=default)
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages")
    args = parser.parse_args(argv)
    truth_path = args.data / "ground-truth.json"
    if not truth_path.is_file():
        print(f"no ground truth at {truth_path}", file=sys.stderr)
        return 2
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    extractors: dict[str, Callable[[bytes, str], str]] = {
        "synopsis": synopsis_text,
        "trafilatura": trafilatura_text,
    }
    results: dict[str, list[PageScore]] = {name: [] for name in extractors}
    seconds = dict.fromkeys(extractors, 0.0)
    for key in sorted(truth):
        html = gzip.decompress((args.data / "html" / f"{key}.html.gz").read_bytes())
        body = truth[key].get("articleBody", "")
        for name, extract in extractors.items():
            started = time.perf_counter()
            text = extract(html, key)
            seconds[name] += time.perf_counter() - started
            results[name].append(score_page(key, body, text))
    print(f"pages: {len(truth)}  (4-gram shingle scorer of article-extraction-benchmark)")
    for name, scores in results.items():
        figures = summary(scores)
        print(
            f"{name:<12} F1={figures['f1']:.4f}  precision={figures['precision']:.4f}  "
            f"recall={figures['recall']:.4f}  mean page F1={figures['mean_page_f1']:.4f}  "
            f"{seconds[name] / len(scores) * 1000:.0f} ms/page"
        )
    if args.worst:
        ours = {s.page: s for s in results["synopsis"]}
        theirs = {s.page: s for s in results["trafilatura"]}
        print(f"\n{args.worst} worst pages for synopsis (P/R; trafilatura P/R):")
        for page in sorted(ours, key=lambda p: ours[p].f1)[: args.worst]:
            s, t = ours[page], theirs[page]
            print(
                f"  {page[:16]}  F1 {s.f1:.3f} P {s.precision:.3f} R {s.recall:.3f}  |  "
                f"F1 {t.f1:.3f} P {t.precision:.3f} R {t.recall:.3f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
