"""Near-duplicates: MinHash signatures of word shingles, candidates from LSH.

The expensive exact comparison runs only on the pairs LSH proposes, so the
cost grows with the number of articles, not with the number of pairs.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence

from datasketch import MinHash, MinHashLSH

from ..config import CopySettings
from ..records import Article, CopyKind, CopyLink
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
    already added, verified on the exact shingle sets.
    """

    def __init__(self, settings: CopySettings | None = None) -> None:
        self.settings = settings or CopySettings()
        self._lsh = MinHashLSH(
            threshold=self.settings.near_duplicate_threshold, num_perm=self.settings.num_perm
        )
        self._shingles: dict[str, set[bytes]] = {}
        self._articles: dict[str, Article] = {}
        # One permutation set for every signature: datasketch derives it from the seed.
        self._template = MinHash(num_perm=self.settings.num_perm, seed=self.settings.seed)

    def __len__(self) -> int:
        return len(self._shingles)

    def signature(self, shingle_set: Iterable[bytes]) -> MinHash:
        minhash = self._template.copy()
        minhash.clear()
        minhash.update_batch(list(shingle_set))
        return minhash

    def add(self, article: Article, involving: Collection[str] | None = None) -> list[CopyLink]:
        """Index ``article``; its near-duplicates among the articles added before.

        With ``involving``, only pairs with at least one article in it are
        verified (the others are not wanted by the caller).
        """
        if article.id in self._shingles:
            raise ValueError(f"article {article.id!r} is already in the index")
        own = shingles(article.text, self.settings.shingle_words)
        if not own:
            return []
        signature = self.signature(own)
        links: list[CopyLink] = []
        for other_id in sorted(self._lsh.query(signature)):
            if involving is not None and not (article.id in involving or other_id in involving):
                continue
            other = self._shingles[other_id]
            overlap = len(own & other)
            jaccard = overlap / len(own | other)
            if jaccard < self.settings.near_duplicate_threshold:
                continue
            earlier = self._articles[other_id]
            origin = likely_origin(earlier, article, overlap / len(other), overlap / len(own))
            links.append(CopyLink(other_id, article.id, CopyKind.NEAR_DUPLICATE, jaccard, origin))
        self._lsh.insert(article.id, signature)
        self._shingles[article.id] = own
        self._articles[article.id] = article
        return links


def find_near_duplicates(
    articles: Sequence[Article],
    settings: CopySettings | None = None,
    involving: Collection[str] | None = None,
) -> list[CopyLink]:
    """Every near-duplicate pair among ``articles`` (Jaccard ≥ the threshold).

    With ``involving``, only pairs with at least one article in it.
    """
    index = NearDuplicateIndex(settings)
    links: list[CopyLink] = []
    for article in articles:
        links.extend(index.add(article, involving))
    return links


def jaccard(a: set[bytes], b: set[bytes]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


__all__ = ["NearDuplicateIndex", "find_near_duplicates", "jaccard", "shingles"]
