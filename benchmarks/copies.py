"""Copy detection at scale: a synthetic corpus with known truth, built from real texts.

The corpus (at least 100,000 articles by default) is made from the real texts
in ``../shared/data``: ECB+ articles, NeuS title + lead texts and the
article-extraction-benchmark bodies are the *originals*; each gets

* an ``exact`` copy (whitespace and quotes changed),
* four ``edited`` copies, one per operation: sentence drops, sentence
  insertions (from another original), paragraph shuffle, truncation,
* two ``spin`` copies (synonym swaps from a small table, light and heavy),

and the rest of the corpus is *unrelated* articles, each assembled from single
sentences of many different originals (so it shares a sentence with some
originals, as real reports that quote the same words do). ECB+ articles of
one story and NeuS leads of one event are real independent reports of the
same event: the hard negatives.

Measured on the full corpus, timed: candidate generation (word 5-shingles →
MinHash → LSH at the near-duplicate threshold and at the low candidate
threshold, plus a cheap hashed bag-of-words vector per article → usearch
nearest neighbours), exact and near-duplicate verification. Side by side:
plain MinHash LSH at the same near-duplicate threshold.

Rewrite verification (sentence alignment with the multilingual encoder) needs
sentence vectors, which at ~1,000 sentences/s on 2 cores cannot be computed
for 100,000 articles in a benchmark run. It is measured on a stratified
sample: every sampled true pair not already linked as exact/near-duplicate,
and a sample of the negative candidate pairs; the false-positive rate on the
negative sample is applied to all negative candidates to estimate precision.
The figures say which are sampled.

Run: ``python benchmarks/copies.py [--articles 100000] [--sample 200] [--negatives 1000]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction.text import HashingVectorizer

from synopsis.config import CopySettings
from synopsis.copies.candidates import (
    MinHasher,
    band_candidates,
    estimated_containment,
    estimated_jaccard,
    vector_candidates,
)
from synopsis.copies.containment import MIN_CONTAINED_SHINGLES
from synopsis.copies.rewrite import detect_rewrite
from synopsis.embed import CachedEmbedder, load_embedder
from synopsis.records import Article, content_hash
from synopsis.text.segment import segment

SYNONYMS = {
    "said": "stated",
    "says": "states",
    "told": "informed",
    "people": "individuals",
    "killed": "slain",
    "about": "approximately",
    "officials": "authorities",
    "big": "large",
    "large": "substantial",
    "help": "assist",
    "helped": "assisted",
    "show": "demonstrate",
    "showed": "demonstrated",
    "new": "fresh",
    "government": "administration",
    "country": "nation",
    "city": "town",
    "many": "numerous",
    "also": "additionally",
    "but": "however",
    "began": "commenced",
    "start": "commence",
    "started": "commenced",
    "end": "conclude",
    "ended": "concluded",
    "buy": "purchase",
    "bought": "purchased",
    "get": "obtain",
    "got": "obtained",
    "use": "utilise",
    "used": "utilised",
    "need": "require",
    "needs": "requires",
    "try": "attempt",
    "tried": "attempted",
    "whole": "entire",
    "fast": "rapid",
    "quickly": "rapidly",
    "important": "crucial",
    "main": "principal",
    "biggest": "largest",
    "police": "law enforcement",
    "car": "vehicle",
    "job": "position",
    "jobs": "positions",
    "company": "firm",
    "companies": "firms",
    "week": "seven days",
    "month": "four weeks",
    "home": "residence",
    "house": "residence",
    "hit": "struck",
    "hurt": "injured",
    "died": "perished",
    "dead": "deceased",
    "near": "close to",
    "after": "following",
    "before": "prior to",
    "because": "since",
    "often": "frequently",
    "still": "nonetheless",
    "around": "roughly",
    "more than": "over",
    "enough": "sufficient",
    "find": "discover",
    "found": "discovered",
    "think": "believe",
    "thought": "believed",
    "want": "wish",
    "wanted": "wished",
    "top": "leading",
    "small": "little",
    "win": "victory",
    "won": "secured",
    "lost": "misplaced",
    "game": "match",
    "team": "squad",
    "meeting": "gathering",
    "report": "account",
    "reported": "documented",
    "announced": "declared",
    "according to": "as stated by",
    "however": "nevertheless",
    "while": "whilst",
    "against": "versus",
    "attack": "assault",
    "during": "throughout",
    "leader": "head",
    "expected": "anticipated",
    "increase": "rise",
    "decision": "choice",
    "percent": "per cent",
}
_SYNONYM = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, SYNONYMS), key=len, reverse=True)) + r")\b"
)
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[A-Z\"“‘(])")

KINDS = (
    "exact",
    "edited:drop",
    "edited:insert",
    "edited:shuffle",
    "edited:truncate",
    "spin:light",
    "spin:heavy",
)


@dataclass(slots=True)
class Doc:
    text: str
    family: int  # the original it derives from; -1 for unrelated articles
    kind: str  # "original", one of KINDS, or "unrelated"
    group: str = ""  # real story/event of an original (hard negatives share it)


def load_originals(data: Path) -> list[Doc]:
    docs: list[Doc] = []
    for line in (data / "ecbplus-dev.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        docs.append(Doc(record["text"], 0, "original", "ecb:" + str(record["story"])))
    for line in (data / "neus-val.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for item in record["articles"]:
            docs.append(
                Doc(
                    f"{item['title']}\n\n{item['text']}",
                    0,
                    "original",
                    "neus:" + str(record["event"]),
                )
            )
    truth = json.loads((data / "aeb" / "ground-truth.json").read_text(encoding="utf-8"))
    for key in sorted(truth):
        body = truth[key].get("articleBody", "")
        docs.append(Doc(body, 0, "original", "aeb:" + key))
    # Real corpora hold syndicated copies (ECB+ reprints one agency story under
    # several outlets, sometimes with a word respelled: "favorite"/"favourite",
    # "said"/"says"). An original is left out when it shares a sentence of 10+
    # words with an earlier one, or when a fifth or more of its 6-word shingles
    # occur in earlier originals: it is not independent of them, and keeping it
    # would count true copies as false links.
    seen: set[str] = set()
    seen_shingles: set[int] = set()
    kept = []
    for doc in docs:
        keys = {content_hash(s) for s in sentences_of(doc.text) if len(s.split()) >= 10}
        words = doc.text.lower().split()
        grams = {hash(" ".join(words[i : i + 6])) for i in range(max(0, len(words) - 5))}
        shared = len(grams & seen_shingles) / max(1, len(grams))
        if len(words) >= 40 and not keys & seen and shared < 0.2:
            seen |= keys
            seen_shingles |= grams
            kept.append(doc)
    for n, doc in enumerate(kept):
        doc.family = n
    return kept


def sentences_of(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(" ".join(text.split())) if s.strip()]


def paragraphs_of(text: str) -> list[str]:
    parts = [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]
    if len(parts) >= 3:
        return parts
    sentences = sentences_of(text)
    return [" ".join(sentences[i : i + 2]) for i in range(0, len(sentences), 2)]


def spin(text: str, rate: float, rng: random.Random) -> str:
    def swap(match: re.Match[str]) -> str:
        return SYNONYMS[match.group(1)] if rng.random() < rate else match.group(1)

    return _SYNONYM.sub(swap, text)


def make_variant(kind: str, doc: Doc, donor: Doc, rng: random.Random) -> str:
    sentences = sentences_of(doc.text)
    if kind == "exact":
        return "  " + doc.text.replace('"', "\u201c").replace("\n\n", "\n\n\n") + "\n"
    if kind == "edited:drop":
        keep = [s for s in sentences if rng.random() >= 0.2] or sentences[:1]
        return " ".join(keep)
    if kind == "edited:insert":
        extra = sentences_of(donor.text)
        out = list(sentences)
        for sentence in rng.sample(extra, min(len(extra), rng.randint(2, 3))):
            out.insert(rng.randint(0, len(out)), sentence)
        return " ".join(out)
    if kind == "edited:shuffle":
        paragraphs = paragraphs_of(doc.text)
        rng.shuffle(paragraphs)
        return "\n\n".join(paragraphs)
    if kind == "edited:truncate":
        cut = max(1, round(len(sentences) * rng.uniform(0.4, 0.7)))
        return " ".join(sentences[:cut])
    if kind == "spin:light":
        return spin(doc.text, 0.5, rng)
    if kind == "spin:heavy":
        return spin(doc.text, 1.0, rng)
    raise ValueError(kind)


def build_corpus(originals: list[Doc], size: int, seed: int) -> list[Doc]:
    """Originals, their variants, then unrelated articles up to ``size``.

    Inserted sentences and the sentences of unrelated articles come only from
    long originals (10+ sentences), one sentence per original, so no article
    holds most of an original it is not derived from. A variant left with
    fewer than 2 sentences or 25 words (a title-only cut of a short lead) is
    not made.
    """
    rng = random.Random(seed)
    docs = list(originals)
    long_ones = [d for d in originals if len(sentences_of(d.text)) >= 10]
    for doc in originals:
        for kind in KINDS:
            donor = long_ones[rng.randrange(len(long_ones))]
            if donor.family == doc.family:
                continue
            text = make_variant(kind, doc, donor, rng)
            if len(sentences_of(text)) >= 2 and len(text.split()) >= 25:
                docs.append(Doc(text, doc.family, kind, doc.group))
    pool = [(d.family, s) for d in long_ones for s in sentences_of(d.text) if len(s.split()) >= 6]
    while len(docs) < size:
        picked: dict[int, str] = {}
        target = rng.randint(8, 20)
        while len(picked) < target:
            family, sentence = pool[rng.randrange(len(pool))]
            picked.setdefault(family, sentence)
        docs.append(Doc(" ".join(picked.values()), -1, "unrelated"))
    return docs


# -- candidate generation (timed on the full corpus) ----------------------------------


def _signature_chunk(
    args: tuple[list[str], int, int, int],
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
    texts, num_perm, seed, shingle_words = args
    hasher = MinHasher(num_perm, seed, shingle_words)
    sets = [hasher.word_sets(t) for t in texts]
    sizes = np.array([s.shingle_count for s in sets], dtype=np.int64)
    return (
        hasher.signatures(s.shingles for s in sets),
        hasher.signatures(s.words for s in sets),
        sizes,
    )


def signatures(
    texts: Sequence[str], settings: CopySettings, workers: int
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
    """Shingle and content-word MinHash signatures and shingle counts, in ``workers`` processes."""
    chunk = 2_000
    jobs = [
        (list(texts[i : i + chunk]), settings.num_perm, settings.seed, settings.shingle_words)
        for i in range(0, len(texts), chunk)
    ]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        parts = list(pool.map(_signature_chunk, jobs))
    return (
        np.vstack([p[0] for p in parts]),
        np.vstack([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
    )


def cheap_vectors(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """A hashed bag of content words per article (256 signed buckets, L2-normalised)."""
    vectorizer = HashingVectorizer(
        n_features=256, alternate_sign=True, norm="l2", stop_words="english"
    )
    return np.asarray(vectorizer.transform(texts).toarray(), dtype=np.float32)


def exact_pairs(texts: Sequence[str]) -> set[tuple[int, int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for n, text in enumerate(texts):
        groups[content_hash(text)].append(n)
    return {
        (g[i], g[j]) for g in groups.values() for i in range(len(g)) for j in range(i + 1, len(g))
    }


def near_pairs(
    pairs: set[tuple[int, int]],
    sigs: npt.NDArray[np.uint64],
    sizes: npt.NDArray[np.int64],
    threshold: float,
    containment: float | None,
) -> set[tuple[int, int]]:
    """Pairs whose estimated Jaccard reaches ``threshold`` (or, if given, containment)."""
    out: set[tuple[int, int]] = set()
    for a, b in pairs:
        jaccard = estimated_jaccard(sigs, a, b)
        if jaccard >= threshold or (
            containment is not None
            and min(sizes[a], sizes[b]) >= MIN_CONTAINED_SHINGLES
            and estimated_containment(jaccard, int(sizes[a]), int(sizes[b])) >= containment
        ):
            out.add((a, b))
    return out


# -- evaluation -----------------------------------------------------------------------


def related(docs: Sequence[Doc], a: int, b: int) -> bool:
    return docs[a].family >= 0 and docs[a].family == docs[b].family


def truth_pairs(docs: Sequence[Doc]) -> dict[str, list[tuple[int, int]]]:
    """(original, variant) index pairs per variant kind."""
    original_of = {d.family: n for n, d in enumerate(docs) if d.kind == "original"}
    out: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for n, doc in enumerate(docs):
        if doc.kind in KINDS:
            out[doc.kind].append((original_of[doc.family], n))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data"
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=200, help="true pairs per kind to align")
    parser.add_argument("--negatives", type=int, default=1000, help="negative candidates to align")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--debug", action="store_true", help="print missed and false pairs")
    parser.add_argument(
        "--vectors", action="store_true", help="also time usearch on hashed vectors"
    )
    args = parser.parse_args(argv)
    if not (args.data / "ecbplus-dev.jsonl").is_file():
        print(f"no data at {args.data}", file=sys.stderr)
        return 2
    settings = CopySettings()
    originals = load_originals(args.data)
    docs = build_corpus(originals, args.articles, args.seed)
    texts = [d.text for d in docs]
    counts = Counter(d.kind for d in docs)
    print(
        f"corpus: {len(docs)} articles from {len(originals)} real originals; "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    )

    cpu_started = _cpu_seconds()
    started = time.perf_counter()
    shingle_sigs, word_sigs, sizes = signatures(texts, settings, args.workers)
    cpu_sign = _cpu_seconds() - cpu_started
    t_sign = time.perf_counter() - started
    started = time.perf_counter()
    exact = exact_pairs(texts)
    near_candidates = band_candidates(shingle_sigs, settings.near_duplicate_threshold)
    plain_links = exact | near_pairs(
        near_candidates, shingle_sigs, sizes, settings.near_duplicate_threshold, None
    )
    t_plain = time.perf_counter() - started
    cpu_plain = _cpu_seconds() - cpu_started
    started = time.perf_counter()
    low = band_candidates(shingle_sigs, settings.candidate_shingle_threshold)
    words = band_candidates(word_sigs, settings.candidate_word_threshold)
    ours_near = plain_links | near_pairs(
        low,
        shingle_sigs,
        sizes,
        settings.near_duplicate_threshold,
        settings.near_duplicate_containment,
    )
    candidates = (low | words) - ours_near
    t_ours = time.perf_counter() - started
    cpu_total = _cpu_seconds() - cpu_started
    plain_seconds = t_sign + t_plain
    ours_seconds = t_sign + t_plain + t_ours
    print(f"\ncandidate generation on all {len(docs)} articles ({args.workers} processes):")
    print(
        f"  word sets + MinHash signatures {t_sign:.1f} s; "
        f"exact + LSH@{settings.near_duplicate_threshold} {t_plain:.1f} s; "
        f"LSH@{settings.candidate_shingle_threshold} shingles + "
        f"LSH@{settings.candidate_word_threshold} content words + containment {t_ours:.1f} s"
    )
    print(f"  plain MinHash LSH:   {len(docs) / plain_seconds:,.0f} articles/s")
    print(
        f"  synopsis candidates: {len(docs) / ours_seconds:,.0f} articles/s; "
        f"{len(candidates):,} pairs left for sentence alignment "
        f"({len(candidates) / len(docs):.2f} per article)"
    )
    per_core = len(docs) * args.workers
    print(
        f"  CPU time (all processes): {cpu_total:.1f} s, of which signatures {cpu_sign:.1f} s; "
        f"on {args.workers} uncontended cores that is ~{per_core / cpu_total:,.0f} "
        f"articles/s (plain ~{per_core / cpu_plain:,.0f}); machine load "
        f"average {os.getloadavg()[0]:.1f}"
    )
    if args.sample == 0 and args.negatives == 0:
        return 0
    if args.vectors:
        started = time.perf_counter()
        vector_pairs = vector_candidates(
            cheap_vectors(texts), settings.candidate_neighbours, 0.5, threads=args.workers
        )
        t_vec = time.perf_counter() - started
        print(
            f"  (optional) hashed-word vectors + usearch kNN: {t_vec:.1f} s, "
            f"{len(docs) / t_vec:,.0f} articles/s, {len(vector_pairs - candidates - ours_near):,} "
            "extra pairs"
        )

    truth = truth_pairs(docs)
    rng = random.Random(args.seed)
    sample: dict[str, list[tuple[int, int]]] = {
        kind: rng.sample(pairs, min(args.sample, len(pairs))) for kind, pairs in truth.items()
    }
    negatives = [p for p in candidates if not related(docs, *p)]
    hard = [p for p in negatives if docs[p[0]].group and docs[p[0]].group == docs[p[1]].group]
    hard_set = set(hard)
    other = [p for p in negatives if p not in hard_set]
    strata = {
        "same real event": (hard, rng.sample(hard, min(args.negatives // 2, len(hard)))),
        "other": (other, rng.sample(other, min(args.negatives - args.negatives // 2, len(other)))),
    }
    sampled_true = [
        p for pairs in sample.values() for p in pairs if p not in ours_near and p in candidates
    ]
    to_align = set(sampled_true) | {p for _, chosen in strata.values() for p in chosen}
    started = time.perf_counter()
    rewrites = align_pairs(docs, sorted(to_align), settings)
    t_align = time.perf_counter() - started
    print(
        f"\nsentence alignment (multilingual USE) on {len(to_align)} sampled candidate pairs: "
        f"{t_align:.0f} s"
    )

    print(
        "\nrecall per kind (true original→copy pairs). plain: MinHash LSH, estimated Jaccard ≥ "
        f"{settings.near_duplicate_threshold}, on all pairs; synopsis: exact, near-duplicate "
        "(Jaccard or containment) on all pairs, rewrite alignment on a sample of:"
    )
    print(f"  {'kind':<16}{'pairs':>7}{'plain':>8}{'synopsis':>10}{'sample':>8}")
    for kind in KINDS:
        pairs = truth[kind]
        plain_recall = sum(p in plain_links for p in pairs) / len(pairs)
        found = [p in ours_near or p in rewrites for p in sample[kind]]
        print(
            f"  {kind:<16}{len(pairs):>7}{plain_recall:>8.3f}"
            f"{sum(found) / len(found):>10.3f}{len(found):>8}"
        )

    plain_fp = sum(not related(docs, *p) for p in plain_links)
    plain_tp = len(plain_links) - plain_fp
    near_fp = sum(not related(docs, *p) for p in ours_near)
    near_tp = len(ours_near) - near_fp
    est_fp = 0.0
    print("\nfalse rewrite links among negative candidates (sampled per stratum):")
    for name, (population, chosen) in strata.items():
        false = [p for p in chosen if p in rewrites]
        rate = len(false) / len(chosen) if chosen else 0.0
        est_fp += rate * len(population)
        print(
            f"  {name:<16} {len(false)} of {len(chosen)} sampled (rate {rate:.4f}) "
            f"→ ~{rate * len(population):.0f} of {len(population):,}"
        )
        if args.debug:
            for pair in false:
                print(
                    "  FALSE",
                    docs[pair[0]].kind,
                    docs[pair[1]].kind,
                    _describe(docs, pair, settings),
                )
    positives = sum(related(docs, *p) for p in candidates)
    accept = sum(p in rewrites for p in sampled_true) / len(sampled_true) if sampled_true else 0.0
    est_tp = accept * positives
    print("\nprecision of all links:")
    print(
        f"  plain MinHash LSH: {plain_tp / max(1, len(plain_links)):.4f} "
        f"({plain_tp:,} true, {plain_fp:,} false; measured on all)"
    )
    print(
        f"  synopsis exact + near-duplicate: {near_tp / max(1, len(ours_near)):.4f} "
        f"({near_tp:,} true, {near_fp:,} false; measured on all)"
    )
    print(
        f"  synopsis rewrite (estimated): ~{est_tp:,.0f} true (acceptance {accept:.3f} of "
        f"{len(sampled_true)} sampled true candidates × {positives:,} related candidates), "
        f"~{est_fp:,.0f} false"
    )
    total_tp, total_fp = near_tp + est_tp, near_fp + est_fp
    print(f"  synopsis overall (estimated): {total_tp / max(1.0, total_tp + total_fp):.4f}")
    if args.debug:
        false_near = [p for p in sorted(ours_near - plain_links) if not related(docs, *p)]
        for pair in false_near[:8]:
            a, b = docs[pair[0]], docs[pair[1]]
            print(
                "  FALSE NEAR",
                a.kind,
                a.group,
                len(a.text.split()),
                "|",
                b.kind,
                b.group,
                len(b.text.split()),
                "|",
                a.text[:80],
                "||",
                b.text[:80],
            )
        for kind in KINDS:
            for pair in sample[kind]:
                if pair not in ours_near and pair not in rewrites:
                    print(
                        f"MISS {kind} candidate={pair in candidates}",
                        _describe(docs, pair, settings),
                    )
    return 0


def _describe(docs: Sequence[Doc], pair: tuple[int, int], settings: CopySettings) -> str:
    from synopsis.copies.sentence_alignment import align_sentences

    embedder = CachedEmbedder(load_embedder())
    a, b = (
        segment(Article(id=str(n), text=docs[n].text, raw_text=docs[n].text, source="x"))
        for n in pair
    )
    va = embedder.encode([s.text for s in a.sentences])
    vb = embedder.encode([s.text for s in b.sentences])
    al = align_sentences(va, vb, settings.sentence_match)
    lines = [
        f"n={al.a_sentences}/{al.b_sentences} pairs={len(al.pairs)} matched={al.matched} "
        f"share={al.share:.2f} order={al.order:.2f}"
    ]
    for i, j, score in al.pairs[:4]:
        lines.append(f"    {score:.2f} | {a.sentences[i].text[:90]} || {b.sentences[j].text[:90]}")
    return "\n".join(lines)


def _cpu_seconds() -> float:
    """CPU seconds used by this process and its finished children (the signature workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def align_pairs(
    docs: Sequence[Doc], pairs: Sequence[tuple[int, int]], settings: CopySettings
) -> set[tuple[int, int]]:
    """The pairs the rewrite detector links, with sentence vectors from the packaged encoder."""
    embedder = CachedEmbedder(load_embedder())
    articles: dict[int, Article] = {}
    vectors: dict[int, Any] = {}

    def prepared(n: int) -> Article:
        if n not in articles:
            text = docs[n].text
            article = segment(Article(id=str(n), text=text, raw_text=text, source=str(n)))
            articles[n] = article
            vectors[n] = embedder.encode([s.text for s in article.sentences])
        return articles[n]

    linked: set[tuple[int, int]] = set()
    for a, b in pairs:
        first, second = prepared(a), prepared(b)
        if detect_rewrite(first, second, vectors[a], vectors[b], settings) is not None:
            linked.add((a, b))
    return linked


if __name__ == "__main__":
    raise SystemExit(main())
