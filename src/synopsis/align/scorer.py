"""The "same claim" scorer: do two sentences state the same fact?

Sentence vectors see topic and paraphrase, but not what makes two news
sentences state *different* facts: another name, another number, a negation.
:class:`ClaimScorer` adds what they miss. For two sentences it computes
features — the vector cosine, the share of content words they have in
common, the names they share (spelling variants such as "Blingen" and
"Blinken" count as one), whether their numbers agree, whether one negates
what the other states — and turns them into a probability with a logistic
model whose weights are fitted on MSRP training pairs (see
:class:`~synopsis.config.ClaimSettings`).

Two sentences in different languages have no words in common: their
probability is read from the cosine alone (``cross_lingual_cosine``), so a
Spanish report still aligns with its English original.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz.fuzz import ratio

from ..config import ClaimSettings
from ..text.numbers import NUMBER_WORDS
from ..text.stopwords import english_stop_words

FEATURES = (
    "cosine",
    "word_overlap",
    "word_jaccard",
    "weighted_overlap",
    "name_overlap",
    "names_missing",
    "numbers_agree",
    "numbers_differ",
    "negation_differs",
    "length_ratio",
)
"""The features, in the order of :attr:`ClaimSettings.weights`."""

_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d+(?:[.,]\d+)*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NEGATION = frozenset({"not", "no", "never", "nor", "without", "none", "neither", "nobody"})
_NUMBER_WORDS = NUMBER_WORDS
_SUFFIXES = ("ing", "ed", "es", "s", "ly")
_NAME_SIMILARITY = 80.0
_NUMBER_TOLERANCE = 0.15  # "about 5.5 hours" and "five hours" state one figure


@dataclass(frozen=True, slots=True)
class SentenceView:
    """What the scorer reads of one sentence: its words, names, numbers and negations."""

    words: frozenset[str]
    names: tuple[str, ...]
    numbers: frozenset[float]
    negations: int


@lru_cache(maxsize=65536)
def view(text: str) -> SentenceView:
    """The parts of ``text`` the scorer compares (cached: sentences repeat across calls)."""
    stop = english_stop_words()
    tokens = _WORD.findall(text)
    words: set[str] = set()
    names: list[str] = []
    numbers: set[float] = set()
    negations = 0
    for token in tokens:
        lower = token.casefold()
        if _NUMBER.fullmatch(token):
            numbers.add(_number(token))
            continue
        if lower in _NUMBER_WORDS:
            numbers.add(_NUMBER_WORDS[lower])
        if lower in _NEGATION or lower.endswith("n't"):
            negations += 1
        if lower in stop or len(lower) < 3:
            continue
        words.add(_stem(lower.strip("'’-")))
        if token[0].isupper():  # stop words ("The", "He") were left out above
            names.append(lower)
    return SentenceView(
        frozenset(words), tuple(dict.fromkeys(names)), frozenset(numbers), negations
    )


def _number(token: str) -> float:
    """``"1,200"`` → 1200.0, ``"5.5"`` → 5.5; a version-like ``"2.6.0"`` keeps its first part."""
    head, _, tail = token.replace(",", "").partition(".")
    return float(f"{head}.{tail.partition('.')[0]}" if tail else head)


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _shared_names(a: Sequence[str], b: Sequence[str]) -> int:
    """How many names of ``a`` have a spelling in ``b`` (exact or a close variant)."""
    shared = 0
    for name in a:
        if name in b or any(
            ratio(name, other) >= _NAME_SIMILARITY and name[0] == other[0] for other in b
        ):
            shared += 1
    return shared


def word_weights(texts: Iterable[str]) -> dict[str, float]:
    """Inverse document frequencies of the content words of ``texts`` (a text a document).

    Given to the scorer as context: two sentences sharing a word rare in
    their story ("TikTok", "fentanyl") more likely share a claim than two
    sharing a word every sentence of it uses.
    """
    frequencies: Counter[str] = Counter()
    count = 0
    for text in texts:
        frequencies.update(view(text).words)
        count += 1
    return {w: math.log((count + 1) / (df + 1)) + 1.0 for w, df in frequencies.items()}


def _numbers_agree(a: frozenset[float], b: frozenset[float]) -> bool:
    return any(abs(x - y) <= _NUMBER_TOLERANCE * max(abs(x), abs(y)) for x in a for y in b)


def features(
    a: str, b: str, cosine: float, weights: Mapping[str, float] | None = None
) -> list[float]:
    """The scorer's features of the sentence pair ``a``, ``b`` (see :data:`FEATURES`).

    ``weights`` weigh the shared words (see :func:`word_weights`); without
    them every word weighs one.
    """
    va, vb = view(a), view(b)
    shared_words = va.words & vb.words
    common = len(shared_words)
    smaller = min(len(va.words), len(vb.words))
    union = len(va.words | vb.words)
    weighted = 0.0
    if smaller:

        def weigh(words: frozenset[str]) -> float:
            return sum(weights.get(w, 1.0) for w in words) if weights else float(len(words))

        weighted = weigh(shared_words) / min(weigh(va.words), weigh(vb.words))
    names_missing = not va.names or not vb.names
    name_overlap = 0.0
    if not names_missing:
        shared = min(_shared_names(va.names, vb.names), _shared_names(vb.names, va.names))
        name_overlap = shared / min(len(va.names), len(vb.names))
    both_numbers = bool(va.numbers) and bool(vb.numbers)
    agree = both_numbers and _numbers_agree(va.numbers, vb.numbers)
    return [
        cosine,
        common / smaller if smaller else 0.0,
        common / union if union else 0.0,
        weighted,
        name_overlap,
        float(names_missing),
        float(agree),
        float(both_numbers and not agree),
        float((va.negations % 2) != (vb.negations % 2)),
        smaller / max(len(va.words), len(vb.words)) if smaller else 0.0,
    ]


class ClaimScorer:
    """The probability that two sentences state the same claim.

    ``settings`` holds the fitted weights and the decision threshold
    ``same_claim`` (the two state one claim, as MSRP labels equivalence). ``context``
    weighs shared words by how rare they are where the sentences come from
    (see :func:`word_weights`; optional).
    """

    def __init__(
        self, settings: ClaimSettings | None = None, context: Mapping[str, float] | None = None
    ) -> None:
        self.settings = settings or ClaimSettings()
        self.context = context
        if len(self.settings.weights) != len(FEATURES):
            raise ValueError(
                f"claims.weights needs {len(FEATURES)} values ({', '.join(FEATURES)}), "
                f"got {len(self.settings.weights)}"
            )
        self._weights = np.asarray(self.settings.weights, dtype=np.float64)

    def in_context(self, texts: Iterable[str]) -> ClaimScorer:
        """This scorer, weighing shared words by their rarity among ``texts``."""
        return ClaimScorer(self.settings, word_weights(texts))

    def probability(self, a: str, b: str, cosine: float, *, same_language: bool = True) -> float:
        """How likely ``a`` and ``b`` state the same claim; ``cosine`` of their vectors."""
        if not same_language:
            return _cross_lingual(cosine, self.settings.cross_lingual_cosine)
        values = features(a, b, cosine, self.context)
        z = self.settings.bias + float(self._weights @ np.asarray(values))
        return 1.0 / (1.0 + math.exp(-z))

    def same(self, a: str, b: str, cosine: float, *, same_language: bool = True) -> bool:
        """True when ``a`` and ``b`` state the same claim (MSRP's equivalence)."""
        p = self.probability(a, b, cosine, same_language=same_language)
        return p >= self.settings.same_claim


def _cross_lingual(cosine: float, threshold: float) -> float:
    """A probability from the cosine alone: 0.5 at ``threshold``, steep around it."""
    return 1.0 / (1.0 + math.exp(-20.0 * (cosine - threshold)))


__all__ = ["FEATURES", "ClaimScorer", "SentenceView", "features", "view", "word_weights"]
