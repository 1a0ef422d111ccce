"""What the story clusterer knows of an article: a vector, salient terms, a time.

Two events of the same kind (two earthquakes, two arrests) get close
multilingual vectors; what tells them apart is who, where, when and how
many. Those are caught cheaply, without a tagger, as *terms*: content words
of the title and body, capitalised phrases ("Tony Thompson", "Betty Ford
Center") and numbers. Terms are hashed into a fixed number of buckets, so the
document frequencies behind their weights (fitted incrementally, as articles
arrive) live in one fixed-size array that is saved and restored with the
stories; no vocabulary grows with the stream.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from ..records import Article
from ..text.stopwords import english_stop_words
from ..types import Vector

_WORD = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
# A capitalised phrase: capitalised words, optionally joined by a lowercase particle.
_PHRASE = re.compile(
    r"[A-ZÀ-ÖØ-Þ][\w'’\-]*(?:\s+(?:(?:of|de|del|la|von|van|al|bin)\s+)?[A-ZÀ-ÖØ-Þ][\w'’\-]*)+"
)
_STOP_WORDS = english_stop_words() | frozenset(
    "said says say told according reported report news new year years people time just like "
    "el la los las de del que en por con para una uno unos unas como más pero sus fue han "
    "le les des du et est une dans pour qui sur par au aux ce".split()
)
_PHRASE_PREFIX = "p:"
_NUMBER_PREFIX = "n:"


def term_bucket(term: str, buckets: int) -> int:
    """The bucket of ``term``: a stable hash (CRC-32), equal across runs and machines."""
    return zlib.crc32(term.encode("utf-8")) % buckets


def extract_terms(title: str, text: str) -> list[str]:
    """The salient terms of an article: content words, capitalised phrases, numbers.

    The title counts twice (it names the event); words are lowercased,
    stop words and words shorter than three letters dropped.
    """
    body = f"{title}\n{title}\n{text}"
    terms = [
        word
        for word in (w.lower() for w in _WORD.findall(body))
        if len(word) > 2 and word not in _STOP_WORDS and not word.isdigit()
    ]
    terms.extend(_PHRASE_PREFIX + phrase.lower() for phrase in _PHRASE.findall(body))
    terms.extend(
        _NUMBER_PREFIX + number.replace(",", "")
        for number in _NUMBER.findall(body)
        if len(number) >= 2
    )
    return terms


def article_terms(article: Article, buckets: int) -> dict[int, float]:
    """Counts of the article's terms by bucket (see :func:`extract_terms`)."""
    return count_terms(extract_terms(article.title or "", article.text), buckets)


def count_terms(terms: Iterable[str], buckets: int) -> dict[int, float]:
    counts: dict[int, float] = {}
    for term in terms:
        key = term_bucket(term, buckets)
        counts[key] = counts.get(key, 0.0) + 1.0
    return counts


def lead_text(article: Article, sentences: int) -> str:
    """The article's first ``sentences`` sentences as one text (its title where it has none)."""
    lead = " ".join(s.text for s in article.sentences[:sentences])
    return lead or article.title or article.text[:500]


class TermStatistics:
    """Document frequencies of term buckets, fitted incrementally.

    ``weigh`` turns an article's term counts into an L2-normalised TF-IDF
    vector (sublinear tf, smoothed idf from the articles seen so far,
    including this one), kept to its ``top`` heaviest terms.
    """

    def __init__(self, buckets: int, counts: npt.NDArray[np.float32] | None = None) -> None:
        self.buckets = buckets
        if counts is None:
            self.document_frequency = np.zeros(buckets, dtype=np.float32)
            self.documents = 0
        else:
            if counts.shape != (buckets + 1,):
                raise ValueError(
                    f"saved term statistics have {counts.shape[0] - 1} buckets, "
                    f"settings ask for {buckets}"
                )
            self.document_frequency = counts[:-1].astype(np.float32)
            self.documents = int(counts[-1])

    def to_array(self) -> npt.NDArray[np.float32]:
        """The statistics as one array (frequencies, then the document count) for a store."""
        return np.append(self.document_frequency, np.float32(self.documents)).astype(np.float32)

    def observe(self, counts: Mapping[int, float]) -> None:
        self.documents += 1
        if counts:
            keys = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            self.document_frequency[keys] += 1

    def weigh(self, counts: Mapping[int, float], top: int) -> tuple[npt.NDArray[np.int64], Vector]:
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        keys = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        idf = np.log((self.documents + 1) / (self.document_frequency[keys] + 1.0)) + 1.0
        top_keys, weights = heaviest(keys, (1.0 + np.log(tf)) * idf, top)
        norm = float(np.linalg.norm(weights))
        return top_keys, (weights / norm if norm else weights).astype(np.float32)


def heaviest(
    keys: npt.NDArray[np.int64], weights: npt.NDArray[np.floating], top: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.floating]]:
    """The ``top`` heaviest (key, weight) pairs, sorted by key; ties broken by key."""
    if len(keys) > top:
        order = np.lexsort((keys, -weights))[:top]
        keys, weights = keys[order], weights[order]
    order = np.argsort(keys, kind="stable")
    return keys[order], weights[order]


def sparse_dot(
    keys_a: npt.NDArray[np.int64],
    weights_a: Vector,
    keys_b: npt.NDArray[np.int64],
    weights_b: Vector,
) -> float:
    """The dot product of two sparse vectors given as key-sorted (keys, weights)."""
    if not len(keys_a) or not len(keys_b):
        return 0.0
    _, index_a, index_b = np.intersect1d(keys_a, keys_b, assume_unique=True, return_indices=True)
    return float(np.dot(weights_a[index_a].astype(np.float64), weights_b[index_b]))


def normalised(vector: Vector) -> Vector:
    norm = float(np.linalg.norm(vector))
    result: Vector = (vector / norm if norm else vector).astype(np.float32)
    return result


def document_vector(title: Vector | None, sentences: npt.NDArray[np.float32], lead: int) -> Vector:
    """An article's vector: the normalised mean of its title and lead sentences."""
    parts = list(sentences[:lead])
    if title is not None:
        parts.append(title)
    if not parts:
        raise ValueError("an article needs a title or at least one sentence to get a vector")
    return normalised(np.mean(np.vstack(parts), axis=0).astype(np.float32))


def title_lead_vector(title: Vector | None, lead: Vector) -> Vector:
    """The cheap document vector: title and lead, each encoded once, averaged."""
    return normalised(lead + title if title is not None else lead)


def signal_texts(article: Article, lead_sentences: int) -> Sequence[str]:
    """The texts the cheap path encodes for an article: its lead, then its title if any."""
    lead = lead_text(article, lead_sentences)
    return [lead, article.title] if article.title and article.title != lead else [lead]


__all__ = [
    "TermStatistics",
    "Vector",
    "article_terms",
    "count_terms",
    "document_vector",
    "extract_terms",
    "heaviest",
    "lead_text",
    "normalised",
    "signal_texts",
    "sparse_dot",
    "term_bucket",
    "title_lead_vector",
]
