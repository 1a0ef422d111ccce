"""Persistent copy candidates: which stored articles a new one must be compared with.

Copy detection compares an article only with the articles that cheap indexes
propose (see :mod:`.candidates`). In an archive those indexes persist, so an
ingest looks up its new articles and never re-reads the store:

* **band keys** of three MinHash LSH indexes, kept in the store
  (``candidate_keys``): the near-duplicate index on word shingles at the
  near-duplicate threshold (the bands
  :class:`~.near_duplicate.NearDuplicateIndex` buckets by), and the candidate
  indexes on word shingles and on content words at their low thresholds.
  Two articles share a key exactly where an in-memory LSH over both would put
  them in one bucket. The stored articles that share a key with a new one
  are ranked by their sketches (16-bit MinHash signatures and set sizes, also
  in the store) and the ``candidate_limit`` closest are verified: a new copy
  of a story copied a hundred times is linked to the closest members of that
  copy group (which it then joins), not to every one, so its cost does not
  grow with the group. Below the limit the links found are those a comparison
  with the whole store would find;
* **search vectors** (the normalised mean of an article's sentence
  vectors) for translations, which share no words: kept in the store
  (``candidate_vectors``, in the order added) and searched in a local usearch
  index, saved in the store's :meth:`~synopsis.store.Store.index_folder`
  with the last position it holds. The local index is a cache: opened, it
  catches up with what other writers added since; missing or unreadable, it
  is rebuilt from the store. A new article is compared with its
  ``candidate_neighbours`` nearest earlier articles whose similarity reaches
  ``candidate_similarity``.

Keys and vectors depend on the copy settings and on the encoder; the store
records which (``meta``), and an ingest with other settings or another
encoder re-indexes every stored article once (:meth:`CandidateIndex.reindex`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
from usearch.index import BatchMatches, Index

from ..config import CopySettings
from ..records import Article
from ..store.base import Store
from ..types import Matrix
from .candidates import (
    EXACT_SEARCH_MAX,
    HashedTexts,
    MinHasher,
    band_keys,
    estimated_containment,
    has_elements,
    mean_vectors,
)

__all__ = ["CandidateIndex", "CandidateKeys", "Candidates"]

logger = logging.getLogger(__name__)

CandidateKeys = list[tuple[int, int]]
"""An article's band keys: ``(band, key)``, ``band`` numbering the index and its band."""

_NEAR_DUPLICATE, _SHINGLES, _WORDS = 0, 1000, 2000  # band numbers of each index start here
_KEYS_META: Final = "copies.candidate_keys"
_VECTORS_META: Final = "copies.candidate_vectors"
_PAGE: Final = 5_000  # vectors read per query when the local index catches up
_SIGNED: Final = np.dtype(np.int64)
_LOW_BITS: Final = np.uint64(0xFFFF)  # sketches keep 16 bits of each MinHash value
_SKETCH: Final = "copies:"  # key prefix of the sketches, in the store's vector table


@dataclass(frozen=True, slots=True)
class _Indexed:
    """An article's band keys, its sketch (16-bit shingle and word signatures, set sizes),
    and its word sets and MinHash signatures (``hashed``, one row), which copy detection
    verifies on."""

    keys: CandidateKeys
    sketch: npt.NDArray[np.float32]
    hashed: HashedTexts


@dataclass(frozen=True, slots=True)
class Candidates:
    """The stored articles some new articles are to be compared with.

    ``banded``: those sharing a band key with one of them (the only ones that
    can be exact, near-duplicate or contained copies), in the order found;
    ``neighbours``: for each new article, its nearest stored articles by
    search vector (candidates for rewrites and translations only).
    """

    banded: list[str]
    neighbours: dict[str, list[str]]

    def stored(self) -> list[str]:
        """Every stored candidate once: the banded ones, then the other neighbours."""
        found = dict.fromkeys(self.banded)
        for near in self.neighbours.values():
            found.update(dict.fromkeys(near))
        return list(found)


class CandidateIndex:
    """The persistent copy-candidate indexes of one store (see the module docstring).

    ``model`` names the encoder whose sentence vectors make the search
    vectors (their dimension is learnt from the first vectors seen).
    ``lookup`` reads inside the caller's transaction when there is one;
    ``add`` writes there too, and saves the local vector index only when told
    (after the caller's commit: a saved index never holds what was rolled back).
    """

    def __init__(self, store: Store, settings: CopySettings, model: str) -> None:
        if not model:
            raise ValueError("the encoder's model name must not be empty")
        self.store = store
        self.settings = settings
        self.model = model
        self._hasher = MinHasher(settings.num_perm, settings.seed, settings.shingle_words)
        self._local: _LocalVectorIndex | None = None
        self._known: dict[str, tuple[str, _Indexed]] = {}
        self._added_dim = 0  # the dimension of the search vectors this process added

    # -- keys -----------------------------------------------------------------

    def keys(self, articles: Sequence[Article]) -> dict[str, CandidateKeys]:
        """The band keys of each article in the three LSH indexes (none for an empty text)."""
        return {article_id: done.keys for article_id, done in self._indexed(articles).items()}

    def hashed(self, articles: Sequence[Article]) -> HashedTexts:
        """The word sets and MinHash signatures of ``articles``, a row each, in their order.

        What :func:`~synopsis.copies.find_copies` verifies copies on; those of
        the articles last looked up are not computed again.
        """
        indexed = self._indexed(articles)
        return HashedTexts.joined([indexed[a.id].hashed for a in articles], self.settings.num_perm)

    def _indexed(self, articles: Sequence[Article]) -> dict[str, _Indexed]:
        """Band keys and sketch of each article.

        Those of the articles last looked up are remembered (by id and text),
        so the ingest that looks its articles up and then adds them computes
        them once.
        """
        known = {
            a.id: self._known[a.id][1]
            for a in articles
            if a.id in self._known and self._known[a.id][0] == a.text
        }
        fresh = self._compute([a for a in articles if a.id not in known])
        return {a.id: known[a.id] if a.id in known else fresh[a.id] for a in articles}

    def _compute(self, articles: Sequence[Article]) -> dict[str, _Indexed]:
        settings = self.settings
        found: dict[str, CandidateKeys] = {a.id: [] for a in articles}
        if not articles:
            return {}
        hashed = self._hasher.hash_texts(a.text for a in articles)
        sets, shingled, worded = hashed.sets, hashed.shingles, hashed.words
        near = band_keys(shingled, settings.near_duplicate_threshold)
        for article, row, own in zip(articles, near, sets, strict=True):
            if len(own.shingles):  # as the index verifies them
                found[article.id] += _numbered(_NEAR_DUPLICATE, row)
        for start, signatures, threshold in (
            (_SHINGLES, shingled, settings.candidate_shingle_threshold),
            (_WORDS, worded, settings.candidate_word_threshold),
        ):
            keys = band_keys(signatures, threshold)
            for article, row, valid in zip(articles, keys, has_elements(signatures), strict=True):
                if valid:
                    found[article.id] += _numbered(start, row)
        sketches = np.hstack(
            [
                (shingled & _LOW_BITS).astype(np.float32),
                (worded & _LOW_BITS).astype(np.float32),
                np.array([[s.shingle_count, len(s.words)] for s in sets], dtype=np.float32),
            ]
        )
        return {
            a.id: _Indexed(found[a.id], sketch, hashed.subset([n]))
            for n, (a, sketch) in enumerate(zip(articles, sketches, strict=True))
        }

    def _closeness(self, a: npt.NDArray[np.float32], b: npt.NDArray[np.float32]) -> float:
        """How close two sketches are, as a share of what a verification needs (0: too far).

        A band match at a low threshold is often two articles that share a
        word here and there; they grow with the store, so they are dropped
        here, before the stored article is read, unless their estimated
        shingle or word overlap reaches half the candidate thresholds or the
        smaller is estimated three quarters inside the other. What is kept
        is ranked by the best of those estimates over its threshold, so the
        closest copies are verified first.
        """
        settings = self.settings
        perm = settings.num_perm
        best = 0.0
        shingles_a, shingles_b = int(a[2 * perm]), int(b[2 * perm])
        if shingles_a and shingles_b:
            jaccard = float(np.mean(a[:perm] == b[:perm]))
            inside = estimated_containment(jaccard, shingles_a, shingles_b)
            best = max(
                jaccard / settings.candidate_shingle_threshold,
                inside / settings.near_duplicate_containment,
            )
            if jaccard < settings.candidate_shingle_threshold / 2 and inside < (
                settings.near_duplicate_containment * 0.75
            ):
                best = 0.0
        if int(a[2 * perm + 1]) and int(b[2 * perm + 1]):
            words = float(np.mean(a[perm : 2 * perm] == b[perm : 2 * perm]))
            if words >= settings.candidate_word_threshold / 2:
                best = max(best, words / settings.candidate_word_threshold)
        return best

    def _sketch_model(self) -> str:
        digest = hashlib.blake2b(self.keys_fingerprint().encode(), digest_size=6).hexdigest()
        return f"synopsis.copies.sketch/{digest}"

    def _put(self, articles: Sequence[Article]) -> None:
        indexed = self._indexed(articles)
        self.store.put_candidate_keys({i: done.keys for i, done in indexed.items()})
        self.store.put_vectors(
            self._sketch_model(), {_SKETCH + i: done.sketch for i, done in indexed.items()}
        )

    def keys_fingerprint(self) -> str:
        """What the band keys depend on: the copy settings that shape them."""
        s = self.settings
        return json.dumps(
            [
                2,
                s.num_perm,
                s.seed,
                s.shingle_words,
                s.near_duplicate_threshold,
                s.candidate_shingle_threshold,
                s.candidate_word_threshold,
            ]
        )

    # -- lookups ----------------------------------------------------------------

    def lookup(
        self, articles: Sequence[Article], sentence_vectors: Mapping[str, Matrix]
    ) -> Candidates:
        """The stored articles that may be copies of ``articles`` (none of them among them).

        See :class:`Candidates`: those sharing a band key with one of them,
        and each one's nearest stored neighbours by search vector.
        """
        own = {a.id for a in articles}
        indexed = self._indexed(articles)
        self._known = {a.id: (a.text, indexed[a.id]) for a in articles}
        matches = self.store.candidate_matches({i: done.keys for i, done in indexed.items()})
        proposed = list(dict.fromkeys(o for near in matches.values() for o in near if o not in own))
        sketches = self.store.get_vectors([_SKETCH + i for i in proposed], self._sketch_model())
        banded: dict[str, None] = {}
        for article in articles:
            mine = indexed[article.id].sketch
            close: list[tuple[float, int, str]] = []
            for rank, other in enumerate(dict.fromkeys(matches.get(article.id, []))):
                if other in own:
                    continue
                theirs = sketches.get(_SKETCH + other)
                closeness = 1.0 if theirs is None else self._closeness(mine, theirs)
                if closeness > 0.0:
                    close.append((-closeness, rank, other))
            close.sort()
            banded.update(dict.fromkeys(o for _, _, o in close[: self.settings.candidate_limit]))
        neighbours: dict[str, list[str]] = {}
        vectors = self.search_vectors(articles, sentence_vectors)
        if vectors:
            local = self._open_local(len(next(iter(vectors.values()))))
            found = local.neighbours(
                np.vstack(list(vectors.values())),
                self.settings.candidate_neighbours,
                self.settings.candidate_similarity,
            )
            for article_id, near in zip(vectors, found, strict=True):
                kept = [other for other in near if other not in own]
                if kept:
                    neighbours[article_id] = kept
        return Candidates(list(banded), neighbours)

    def search_vectors(
        self, articles: Iterable[Article], sentence_vectors: Mapping[str, Matrix]
    ) -> dict[str, npt.NDArray[np.float32]]:
        """Each article's search vector, where it has sentence vectors."""
        out: dict[str, npt.NDArray[np.float32]] = {}
        for article in articles:
            rows = sentence_vectors.get(article.id)
            if rows is not None and len(rows) and article.sentences:
                out[article.id] = mean_vectors([rows], rows.shape[1])[0]
        return out

    # -- adding -------------------------------------------------------------------

    def add(self, articles: Sequence[Article], sentence_vectors: Mapping[str, Matrix]) -> None:
        """Index stored ``articles``: their band keys and search vectors, in the store.

        Call inside the transaction that stores them; :meth:`save` after it commits.
        """
        self._put(articles)
        vectors = self.search_vectors(articles, sentence_vectors)
        if vectors:
            self.store.put_candidate_vectors(vectors)
            self._added_dim = len(next(iter(vectors.values())))

    def save(self) -> None:
        """Bring the local vector index up to date with the store and save it."""
        if self._local is None and self._added_dim:
            self._open_local(self._added_dim)
        if self._local is not None:
            self._local.catch_up()
            self._local.save()

    def needs_reindex(self) -> bool:
        """Whether the stored keys or vectors were made with other settings or another encoder.

        Also true for a store nothing has indexed yet (new, or written by a
        synopsis without these indexes): :meth:`reindex` then records what
        they are made with, after indexing what is stored.
        """
        return self.store.get_meta(_KEYS_META) != self.keys_fingerprint() or (
            self.store.get_meta(_VECTORS_META) != self.model
        )

    def reindex(
        self,
        articles: Iterable[Sequence[Article]],
        vectors_of: Callable[[Sequence[Article]], Mapping[str, Matrix]],
    ) -> int:
        """Index every stored article again where needed, page by page; how many were read.

        ``articles`` yields the stored articles (segmented) in pages, and
        ``vectors_of`` gives a page's sentence vectors. Band keys are made
        again if the copy settings changed, search vectors if the encoder
        did. Run inside the ingest's transaction, so a killed re-index
        leaves the old index whole.
        """
        keys = self.store.get_meta(_KEYS_META) != self.keys_fingerprint()
        vectors = self.store.get_meta(_VECTORS_META) != self.model
        self.store.set_meta(_KEYS_META, self.keys_fingerprint())
        self.store.set_meta(_VECTORS_META, self.model)
        count = 0
        for page in articles:
            if keys:
                self._put(page)
            if vectors:
                found = self.search_vectors(page, vectors_of(page))
                if found:
                    self.store.put_candidate_vectors(found)
            count += len(page)
        if vectors:
            self._local = None  # other vectors, other positions: rebuilt on next use
        return count

    def _open_local(self, dim: int) -> _LocalVectorIndex:
        if self._local is None or self._local.dim != dim:
            folder = self.store.index_folder()
            self._local = _LocalVectorIndex(self.store, dim, _local_path(folder, self.model, dim))
        self._local.catch_up()
        return self._local


class _LocalVectorIndex:
    """The store's search vectors in a usearch index, keyed by position, cached on disk.

    ``path`` (``None``: memory only) holds the index and, beside it, the
    article id of each position and the last position read from the store.
    """

    def __init__(self, store: Store, dim: int, path: Path | None) -> None:
        self.store = store
        self.dim = dim
        self.path = path
        self._index = Index(ndim=dim, metric="cos", dtype="f32")
        self._ids: dict[int, str] = {}
        self._position = 0
        if path is not None:
            self._load(path)

    def _load(self, path: Path) -> None:
        state_path = path.with_suffix(".json")
        if not path.is_file() or not state_path.is_file():
            return
        try:
            state = json.loads(state_path.read_text(encoding="utf-8"))
            index = Index.restore(str(path))
            ids = {int(k): str(v) for k, v in dict(state["ids"]).items()}
            position = int(state["position"])
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
            logger.warning("%s: unreadable candidate index, rebuilding it (%s)", path, exc)
            return
        if index is None or index.ndim != self.dim or len(index) != len(ids):
            logger.warning("%s: candidate index does not match its state, rebuilding it", path)
            return
        if not self._store_has(position, ids.get(position)):
            logger.warning("%s: candidate index is of another store, rebuilding it", path)
            return
        self._index, self._ids, self._position = index, ids, position

    def _store_has(self, position: int, article_id: str | None) -> bool:
        """Whether the store recorded ``position`` (for ``article_id``, where known).

        A store file replaced at the same path, or a database dropped and
        created again under the same URL, starts its positions anew: the
        saved index's last position is not there, or names another article.
        """
        if position == 0:
            return True
        rows = self.store.candidate_vectors_after(position - 1, 1)
        if not rows or rows[0][0] != position:
            return False
        return article_id is None or rows[0][1] == article_id

    def catch_up(self) -> None:
        """Add what the store recorded after the last position held (a rebuild, from 0)."""
        while True:
            rows = self.store.candidate_vectors_after(self._position, _PAGE)
            if not rows:
                return
            fitting = [(p, i, v) for p, i, v in rows if v.shape == (self.dim,)]
            if fitting:
                keys = np.array([p for p, _, _ in fitting], dtype=np.uint64)
                self._index.add(keys, np.vstack([v for _, _, v in fitting]), threads=1)
                self._ids.update((p, i) for p, i, _ in fitting)
            self._position = rows[-1][0]

    def neighbours(self, vectors: Matrix, count: int, min_similarity: float) -> list[list[str]]:
        """For each row of ``vectors``: its nearest articles' ids, at ``min_similarity`` or more."""
        size = len(self._index)
        if not size:
            return [[] for _ in range(len(vectors))]
        found = self._index.search(
            np.ascontiguousarray(vectors, dtype=np.float32),
            min(count, size),
            threads=1,
            exact=size <= EXACT_SEARCH_MAX,
        )
        if isinstance(found, BatchMatches):
            keys = np.asarray(found.keys)
            similarity = 1.0 - np.asarray(found.distances, dtype=np.float32)
            counts = np.asarray(found.counts)
        else:  # one query row comes back as single matches
            keys = np.asarray(found.keys)[None, :]
            similarity = 1.0 - np.asarray(found.distances, dtype=np.float32)[None, :]
            counts = np.array([len(found.keys)])
        out: list[list[str]] = []
        for n in range(len(vectors)):
            ids = dict.fromkeys(
                self._ids[int(key)]
                for key, score in zip(keys[n][: counts[n]], similarity[n], strict=False)
                if score >= min_similarity and int(key) in self._ids
            )
            out.append(list(ids))
        return out

    def save(self) -> None:
        """Write the index and its state atomically (each by a rename); no-op in memory."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
        self._index.save(str(temporary))
        os.replace(temporary, self.path)
        state = {"position": self._position, "ids": {str(k): v for k, v in self._ids.items()}}
        state_path = self.path.with_suffix(".json")
        temporary = state_path.with_name(state_path.name + f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(state), encoding="utf-8")
        os.replace(temporary, state_path)


def _numbered(start: int, keys: npt.NDArray[np.uint64]) -> CandidateKeys:
    """One signature's band keys as ``(band, signed key)`` pairs, bands numbered from ``start``."""
    signed = keys.view(_SIGNED)
    return [(start + band, int(key)) for band, key in enumerate(signed)]


def _local_path(folder: Path | None, model: str, dim: int) -> Path | None:
    if folder is None:
        return None
    digest = hashlib.blake2b(model.encode("utf-8"), digest_size=6).hexdigest()
    return folder / f"copy-candidates-{digest}-{dim}.usearch"
