"""Candidate pairs for the expensive checks: MinHash LSH on word sets plus vector search.

Sentence alignment costs a matrix product per pair, so it must never run on
all pairs. Cheap indexes propose pairs instead:

* MinHash LSH on word 5-shingles at a low Jaccard threshold: reprints, cut
  and extended copies share many shingles;
* MinHash LSH on the set of content words (no stop words): a synonym spin
  changes a word here and there, so it shares few shingles but most names,
  numbers and nouns;
* nearest neighbours (usearch, cosine) over one vector per article, where
  sentence vectors exist: translations share no words at all.

Signatures are computed with numpy (a 64-bit mixing hash per permutation over
hashed word ids), about ten times faster than hashing each shingle with SHA-1,
and LSH banding groups equal band keys with one sort per band. Only the union
of the proposals is aligned.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from datasketch.lsh import _optimal_param
from usearch.index import BatchMatches, Index

from ..text.stopwords import english_stop_words
from ..types import Matrix

Vectors = Matrix
Signatures = npt.NDArray[np.uint64]

EXACT_SEARCH_MAX = 2_000
"""Up to this many vectors the search is exact (brute force); beyond, approximate (HNSW)."""

_WORD = re.compile(r"\w+", re.UNICODE)
_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)
_EMPTY = np.iinfo(np.uint64).max
_POLY = np.uint64(0x100000001B3)


def _mix(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """splitmix64's finaliser: a fast 64-bit hash, elementwise (wrapping arithmetic)."""
    with np.errstate(over="ignore"):
        values = values ^ (values >> np.uint64(30))
        values = values * np.uint64(0xBF58476D1CE4E5B9)
        values = values ^ (values >> np.uint64(27))
        values = values * np.uint64(0x94D049BB133111EB)
        return values ^ (values >> np.uint64(31))


def _word_hash(word: str) -> int:
    # Python's str hash is salted per process; this one is stable across runs.
    value = 1469598103934665603
    for byte in word.encode("utf-8"):
        value = ((value ^ byte) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return value


@dataclass(frozen=True, slots=True)
class WordSets:
    """An article's hashed word 5-shingles and hashed content words."""

    shingles: npt.NDArray[np.uint64]
    words: npt.NDArray[np.uint64]
    shingle_count: int


class MinHasher:
    """MinHash signatures of hashed sets, ``num_perm`` values each, reproducible from ``seed``."""

    def __init__(self, num_perm: int = 128, seed: int = 1, shingle_words: int = 5) -> None:
        rng = np.random.default_rng(seed)
        self.num_perm = num_perm
        self.shingle_words = shingle_words
        self._salts = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64)
        self._multipliers = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) | np.uint64(1)
        self._vocabulary: dict[str, int] = {}
        self._stop = english_stop_words()

    def word_sets(self, text: str) -> WordSets:
        tokens = _WORD.findall(text.lower())
        vocabulary = self._vocabulary
        for token in set(tokens).difference(vocabulary):
            vocabulary[token] = _word_hash(token)
        ids = np.array([vocabulary[t] for t in tokens], dtype=np.uint64)
        size = self.shingle_words
        if len(ids) >= size:
            count = len(ids) - size + 1
            with np.errstate(over="ignore"):
                rolled = ids[:count].copy()
                for k in range(1, size):
                    rolled = rolled * _POLY + ids[k : count + k]
            shingles = np.unique(_mix(rolled))
        else:
            shingles = np.unique(ids[:1] ^ np.uint64(len(ids))) if len(ids) else ids
        stop = self._stop
        content = {vocabulary[t] for t in tokens if len(t) > 2 and t not in stop}
        words = _mix(np.array(sorted(content), dtype=np.uint64))
        return WordSets(shingles, words, len(shingles))

    def signature(self, hashed: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
        """The signature of a hashed set; all values maximal for an empty set."""
        if len(hashed) == 0:
            return np.full(self.num_perm, _EMPTY, dtype=np.uint64)
        # Multiply-add permutations of already mixed 64-bit hashes; the top bits
        # of the product are well spread, so compare on those.
        with np.errstate(over="ignore"):
            permuted = hashed[:, None] * self._multipliers[None, :] + self._salts[None, :]
        return np.asarray((permuted >> np.uint64(16)).min(axis=0), dtype=np.uint64)

    def signatures(self, sets: Iterable[npt.NDArray[np.uint64]]) -> Signatures:
        rows = [self.signature(s) for s in sets]
        if not rows:
            return np.zeros((0, self.num_perm), dtype=np.uint64)
        return np.vstack(rows)

    def hash_texts(self, texts: Iterable[str]) -> HashedTexts:
        """The word sets of ``texts`` and both their signatures, for detectors to share."""
        sets = [self.word_sets(text) for text in texts]
        return HashedTexts(
            sets, self.signatures(s.shingles for s in sets), self.signatures(s.words for s in sets)
        )


@dataclass(frozen=True, slots=True)
class HashedTexts:
    """Articles' word sets and their MinHash signatures (a row per article), computed once.

    ``shingles`` are the signatures of the shingle sets, ``words`` those of
    the content words. The sorted hashed shingles of ``sets`` are exact
    enough to verify overlaps on (two 5-shingles collide once in 2**64).
    """

    sets: list[WordSets]
    shingles: Signatures
    words: Signatures

    def __post_init__(self) -> None:
        if not len(self.sets) == len(self.shingles) == len(self.words):
            raise ValueError("HashedTexts needs one set and two signatures per article")

    def subset(self, rows: Sequence[int]) -> HashedTexts:
        """The same for the articles at ``rows``, in that order."""
        picked = list(rows)
        sets = [self.sets[n] for n in picked]
        return HashedTexts(sets, self.shingles[picked], self.words[picked])

    @classmethod
    def joined(cls, parts: Sequence[HashedTexts], num_perm: int) -> HashedTexts:
        """The rows of ``parts``, one after the other (``num_perm`` values per signature)."""
        if not parts:
            empty = np.zeros((0, num_perm), dtype=np.uint64)
            return cls([], empty, empty.copy())
        return cls(
            [s for part in parts for s in part.sets],
            np.vstack([part.shingles for part in parts]),
            np.vstack([part.words for part in parts]),
        )


@functools.lru_cache(maxsize=64)
def lsh_shape(threshold: float, num_perm: int) -> tuple[int, int]:
    """The bands and rows datasketch's ``MinHashLSH`` uses at ``threshold`` (costly: cached)."""
    bands, rows = _optimal_param(threshold, num_perm, 0.5, 0.5)
    return int(bands), int(rows)


def band_keys(signatures: Signatures, threshold: float) -> Signatures:
    """One 64-bit key per LSH band of each signature (rows × bands): equal bands, equal keys.

    Bands and rows are chosen as datasketch's ``MinHashLSH`` chooses them
    (false positives and negatives weighted equally), so two signatures
    share a key where that index would put them in one bucket (and, rarely,
    where two different bands hash alike: candidates are verified anyway).
    """
    bands, rows = lsh_shape(threshold, signatures.shape[1])
    # All bands at once, one column of rows at a time (rows is small, bands many).
    blocks = signatures[:, : bands * rows].reshape(signatures.shape[0], bands, rows)
    keys = blocks[:, :, 0].copy()
    for column in range(1, rows):
        keys = _mix(keys) ^ blocks[:, :, column]
    return np.ascontiguousarray(keys, dtype=np.uint64)


def has_elements(signatures: Signatures) -> npt.NDArray[np.bool_]:
    """Which signatures are of non-empty sets (an empty set matches nothing)."""
    return np.asarray(signatures[:, 0] != _EMPTY, dtype=np.bool_)


def band_candidates(signatures: Signatures, threshold: float) -> set[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, sharing a band: estimated Jaccard may reach ``threshold``.

    See :func:`band_keys`. Empty sets never match.
    """
    keys = band_keys(signatures, threshold)
    valid = has_elements(signatures)
    pairs: set[tuple[int, int]] = set()
    for band in range(keys.shape[1]):
        key = keys[:, band]
        order = np.argsort(key, kind="stable")
        order = order[valid[order]]
        sorted_keys = key[order]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        ends = np.r_[starts[1:], len(order)]
        shared = np.flatnonzero(ends - starts >= 2)
        for start, end in zip(starts[shared], ends[shared], strict=True):
            members = sorted(int(m) for m in order[start:end])
            for n, first in enumerate(members):
                for second in members[n + 1 :]:
                    pairs.add((first, second))
    return pairs


def estimated_jaccard(signatures: Signatures, a: int, b: int) -> float:
    return float(np.mean(signatures[a] == signatures[b]))


def estimated_containment(jaccard: float, size_a: int, size_b: int) -> float:
    """The share of the smaller set found in the larger, from their Jaccard and sizes."""
    if min(size_a, size_b) == 0:
        return 0.0
    union = (size_a + size_b) / (1.0 + jaccard)
    return min(1.0, jaccard * union / min(size_a, size_b))


def vector_candidates(
    vectors: Vectors, neighbours: int, min_similarity: float, threads: int = 2
) -> set[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``: ``j`` among ``i``'s nearest neighbours by cosine, or back.

    The same vectors give the same pairs on every run (``threads`` only searches).
    """
    count = len(vectors)
    if count < 2:
        return set()
    index = Index(ndim=vectors.shape[1], metric="cos", dtype="f32")
    keys = np.arange(count, dtype=np.uint64)
    data = np.ascontiguousarray(vectors, dtype=np.float32)
    # Built on one thread: a graph built on several depends on their timing, and so would
    # the approximate neighbours (and the rewrites found) of a large batch.
    index.add(keys, data, threads=1)
    found = index.search(
        data, min(neighbours + 1, count), threads=threads, exact=count <= EXACT_SEARCH_MAX
    )
    if not isinstance(found, BatchMatches):
        raise TypeError("usearch returned single matches for a batch query")
    pairs: set[tuple[int, int]] = set()
    similarity = 1.0 - np.asarray(found.distances, dtype=np.float32)
    for n in range(count):
        for m, score in zip(found.keys[n][: found.counts[n]], similarity[n], strict=False):
            other = int(m)
            if other != n and score >= min_similarity:
                pairs.add((min(n, other), max(n, other)))
    return pairs


def mean_vectors(matrices: Sequence[Vectors], dim: int) -> Vectors:
    """One unit vector per article: the normalised mean of its sentence vectors."""
    out = np.zeros((len(matrices), dim), dtype=np.float32)
    for n, rows in enumerate(matrices):
        if len(rows):
            mean = np.asarray(rows, dtype=np.float32).mean(axis=0)
            norm = float(np.linalg.norm(mean))
            if norm > 0:
                out[n] = mean / norm
    return out


__all__ = [
    "EXACT_SEARCH_MAX",
    "MinHasher",
    "WordSets",
    "band_candidates",
    "band_keys",
    "estimated_containment",
    "estimated_jaccard",
    "has_elements",
    "lsh_shape",
    "mean_vectors",
    "vector_candidates",
]
