"""Near-duplicates: MinHash signatures of word shingles, candidates from LSH.

The expensive exact comparison runs only on the pairs LSH proposes, so the
cost grows with the number of articles, not with the number of pairs. The
signatures and band keys are :mod:`.candidates`' (numpy MinHash, bands and
rows as datasketch's ``MinHashLSH`` chooses them at the near-duplicate
threshold), the ones the store's candidate index keeps.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

import numpy as np
import numpy.typing as npt

from ..config import CopySettings
from ..records import Article, CopyKind, CopyLink
from .candidates import HashedTexts, MinHasher, WordSets, band_keys
from .origin import likely_origin

_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, size: int) -> set[bytes]:
    """The set of ``size``-word shingles of ``text`` (lower-cased word tokens)."""
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


class NearDuplicateIndex:
    """A MinHash LSH index of articles' shingle sets.

    ``add`` returns the near-duplicates of the new article among those
    already added, verified on the exact (hashed) shingle sets.
    """

    def __init__(self, settings: CopySettings | None = None) -> None:
        self.settings = settings or CopySettings()
        s = self.settings
        self.hasher = MinHasher(s.num_perm, s.seed, s.shingle_words)
        self._buckets: dict[tuple[int, int], list[str]] = {}
        self._shingles: dict[str, npt.NDArray[np.uint64]] = {}
        self._articles: dict[str, Article] = {}

    def __len__(self) -> int:
        return len(self._shingles)

    def add(
        self,
        article: Article,
        involving: Collection[str] | None = None,
        word_sets: WordSets | None = None,
    ) -> list[CopyLink]:
        """Index ``article``; its near-duplicates among the articles added before.

        With ``involving``, only pairs with at least one article in it are
        verified (the others are not wanted by the caller). ``word_sets``:
        the article's, where the caller has them already.
        """
        sets = word_sets or self.hasher.word_sets(article.text)
        signature = self.hasher.signatures([sets.shingles])
        keys = band_keys(signature, self.settings.near_duplicate_threshold)[0]
        return self._add(article, sets.shingles, keys, involving)

    def _add(
        self,
        article: Article,
        own: npt.NDArray[np.uint64],
        keys: npt.NDArray[np.uint64],
        involving: Collection[str] | None,
    ) -> list[CopyLink]:
        if article.id in self._shingles:
            raise ValueError(f"article {article.id!r} is already in the index")
        if not len(own):
            return []
        buckets = [(band, int(key)) for band, key in enumerate(keys)]
        proposed = sorted({other for key in buckets for other in self._buckets.get(key, ())})
        links: list[CopyLink] = []
        for other_id in proposed:
            if involving is not None and not (article.id in involving or other_id in involving):
                continue
            other = self._shingles[other_id]
            overlap = len(np.intersect1d(own, other, assume_unique=True))
            jaccard = overlap / (len(own) + len(other) - overlap)
            if jaccard < self.settings.near_duplicate_threshold:
                continue
            earlier = self._articles[other_id]
            origin = likely_origin(earlier, article, overlap / len(other), overlap / len(own))
            links.append(CopyLink(other_id, article.id, CopyKind.NEAR_DUPLICATE, jaccard, origin))
        for key in buckets:
            self._buckets.setdefault(key, []).append(article.id)
        self._shingles[article.id] = own
        self._articles[article.id] = article
        return links


def find_near_duplicates(
    articles: Sequence[Article],
    settings: CopySettings | None = None,
    involving: Collection[str] | None = None,
    hashed: HashedTexts | None = None,
) -> list[CopyLink]:
    """Every near-duplicate pair among ``articles`` (Jaccard ≥ the threshold).

    With ``involving``, only pairs with at least one article in it;
    ``hashed`` (a row per article) where the caller has it.
    """
    index = NearDuplicateIndex(settings)
    hashed = hashed or index.hasher.hash_texts(a.text for a in articles)
    keys = band_keys(hashed.shingles, index.settings.near_duplicate_threshold)
    links: list[CopyLink] = []
    for n, article in enumerate(articles):
        links.extend(index._add(article, hashed.sets[n].shingles, keys[n], involving))
    return links


def jaccard(a: set[bytes], b: set[bytes]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


__all__ = ["NearDuplicateIndex", "find_near_duplicates", "jaccard", "shingles"]
