"""Incremental story clustering: each article joins a story or opens one.

Articles come in publication order (input order where undated). Each joins
the story of an article it copies, else the best open story that scores
above the threshold, else opens a new story whose id derives from it. A
story is scored against an article by average linkage: the mean cosine
between the article and the story's members, for the multilingual vectors
and for the TF-IDF term vectors (salient terms and names included), blended
as ``vector_weight * vector + (1 - vector_weight) * terms``. Both means are
one dot product with the mean of the members' unit vectors, so a story keeps
a vector sum and a term profile, not its members. Average linkage, unlike
the cosine with a normalised centroid, does not let a large story's blurred
profile pull in whatever is near its middle. Where either side has no
terms, or the article's language is not among the story's, only the vectors
count, against ``vector_threshold`` (so a Spanish report of an event joins
the English story by meaning). After each article the story it joined is
compared with its nearest open neighbour; two stories whose average linkage
passes the threshold by ``merge_margin`` merge, the younger into the older,
which keeps its id.

Stories whose time span lies more than ``window_days`` before the newest
article seen are closed: they leave the search index and attract nothing.
Undated articles are compared with every open story.
"""

from __future__ import annotations

import hashlib
import heapq
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from ..config import StorySettings
from .index import StoryIndex, StoryLabel
from .representation import TermStatistics, Vector, heaviest, normalised, sparse_dot

Terms = tuple[npt.NDArray[np.int64], Vector]
_NO_TERMS: Terms = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))


def story_id_for(founding_article_id: str) -> str:
    """A story's id: stable, derived from the article that opened it."""
    return "s" + hashlib.blake2b(founding_article_id.encode("utf-8"), digest_size=6).hexdigest()


@dataclass(slots=True)
class StoryState:
    """What the clusterer keeps of one story.

    ``key`` orders stories by foundation (the older story of a merge keeps
    its id) and names the story in the search index. ``term_keys`` and
    ``term_weights`` are the story's term profile, key-sorted.
    """

    id: str
    article_ids: list[str]
    vector_sum: npt.NDArray[Any]
    first_published: datetime | None = None
    last_published: datetime | None = None
    last_sequence: int = 0
    key: int = 0
    term_keys: npt.NDArray[np.int64] = field(default_factory=lambda: _NO_TERMS[0])
    term_weights: Vector = field(default_factory=lambda: _NO_TERMS[1])
    languages: dict[str, int] = field(default_factory=dict)
    closed: bool = False

    @property
    def centroid(self) -> Vector:
        return normalised(self.vector_sum.astype(np.float32))

    def to_state(self) -> dict[str, Any]:
        """The clustering state as JSON-ready values (the vector sum is saved apart)."""
        return {
            "key": self.key,
            "last_sequence": self.last_sequence,
            "term_keys": [int(k) for k in self.term_keys],
            "term_weights": [float(w) for w in self.term_weights],
            "languages": dict(sorted(self.languages.items())),
        }

    @classmethod
    def from_saved(
        cls,
        story_id: str,
        article_ids: Iterable[str],
        vector_sum: Vector,
        first_published: datetime | None,
        last_published: datetime | None,
        state: Mapping[str, Any],
    ) -> StoryState:
        """A story as saved by :meth:`to_state` (missing fields take their defaults)."""
        return cls(
            id=story_id,
            article_ids=list(article_ids),
            vector_sum=np.asarray(vector_sum, dtype=np.float32),
            first_published=first_published,
            last_published=last_published,
            last_sequence=int(state.get("last_sequence", 0)),
            key=int(state.get("key", 0)),
            term_keys=np.asarray(state.get("term_keys", []), dtype=np.int64),
            term_weights=np.asarray(state.get("term_weights", []), dtype=np.float32),
            languages={str(k): int(v) for k, v in dict(state.get("languages", {})).items()},
        )


@dataclass(frozen=True, slots=True)
class Merge:
    """Story ``from_id`` was merged into story ``into_id`` (which keeps its id)."""

    from_id: str
    into_id: str


class StoryClusterer:
    """Assigns articles to stories incrementally.

    ``add`` returns the id of the story the article joined or opened. The
    clusterer can be rebuilt from saved :class:`StoryState` objects and term
    statistics (:meth:`term_statistics`), which is how ``synopsis ingest``
    keeps stories across runs: ingesting in two halves gives the stories of
    ingesting at once. Closed stories attract nothing but the copies of their
    articles, so a caller may restore only the stories still open and those
    its new articles copy, with the saved :attr:`sequence`.

    Or it can hold no open story at all: given the saved :attr:`index` of the
    open stories (see :class:`~synopsis.stories.index.StoryIndex`), the
    ``clock`` it was saved at and ``load``, which returns the saved states of
    the stories with the given ids, it loads a story only when a search finds
    it, and closes the others by their labels. Both ways give the same
    stories.
    """

    def __init__(
        self,
        settings: StorySettings | None = None,
        states: Iterable[StoryState] = (),
        term_statistics: npt.NDArray[np.float32] | None = None,
        sequence: int = 0,
        index: StoryIndex | None = None,
        load: Callable[[Sequence[str]], Iterable[StoryState]] | None = None,
        clock: datetime | None = None,
    ) -> None:
        if (index is None) != (load is None):
            raise ValueError("a saved story index needs a loader of story states, and back")
        self.settings = settings or StorySettings()
        self.merges: list[Merge] = []
        self._terms = TermStatistics(self.settings.term_buckets, term_statistics)
        self._stories: dict[str, StoryState] = {}
        self._by_key: dict[int, StoryState] = {}
        self._story_of: dict[str, str] = {}
        self._sequence = sequence
        self._index: StoryIndex | None = index
        self._load = load
        self._expiry: list[tuple[float, int]] = []
        if index is not None:
            labels = index.labels()
            self._expiry = [(lb.until, key) for key, lb in labels.items() if lb.until is not None]
            heapq.heapify(self._expiry)
        self._clock: datetime | None = clock
        self._window = timedelta(days=self.settings.window_days)
        restored = sorted(states, key=lambda s: (s.key, s.id))
        for state in restored:
            if state.key <= 0 or state.key in self._by_key:
                self._sequence += 1
                state.key = max(self._sequence, max(self._by_key, default=0) + 1)
            self._sequence = max(self._sequence, state.key, state.last_sequence)
            self._hold(state)
            if state.last_published is not None and (
                self._clock is None or state.last_published > self._clock
            ):
                self._clock = state.last_published
        for state in restored:
            if state.vector_sum.shape[0] > 1:
                self._open(state)
        self._close_expired()

    def load_candidates(self, vectors: Sequence[Vector]) -> None:
        """Load in one call the stories a search finds for any of ``vectors`` (saved index only).

        What the articles to come will most likely be compared with; any
        other story a later search finds is loaded then.
        """
        if self._load is None or self._index is None:
            return
        keys = {k for v in vectors for k in self._index.search(v, self.settings.candidates)}
        self._load_keys(sorted(k for k in keys if k not in self._by_key))

    def _load_keys(self, keys: Sequence[int]) -> None:
        assert self._load is not None and self._index is not None
        wanted: dict[str, int] = {}
        for key in keys:
            label = self._index.label(key)
            if label is None or label.story_id in self._stories:
                self._index.remove(key)  # no story to stand for, or a stale duplicate
            else:
                wanted[label.story_id] = key
        if not wanted:
            return
        found = {state.id: state for state in self._load(list(wanted))}
        for story_id, key in wanted.items():
            state = found.get(story_id)
            if state is None or state.key != key or state.vector_sum.shape[0] <= 1:
                self._index.remove(key)  # merged away or changed since the index was saved
                continue
            self._hold(state)

    def _hold(self, state: StoryState) -> None:
        """Keep ``state`` by id and key, and its articles' story."""
        self._stories[state.id] = state
        self._by_key[state.key] = state
        for article_id in state.article_ids:
            self._story_of[article_id] = state.id

    def _story(self, key: int) -> StoryState | None:
        """The open story ``key`` found by a search: held, or loaded now."""
        story = self._by_key.get(key)
        if story is None and self._load is not None:
            self._load_keys([key])
            story = self._by_key.get(key)
        return story

    # -- queries ----------------------------------------------------------

    @property
    def stories(self) -> list[StoryState]:
        """Every live story, in order of foundation."""
        return sorted(self._stories.values(), key=lambda s: s.key)

    @property
    def sequence(self) -> int:
        """How many articles and stories were numbered so far: save it to restore a part.

        A clusterer rebuilt from some of the saved stories (those still open,
        say) numbers on from ``sequence`` as one rebuilt from all of them would.
        """
        return self._sequence

    @property
    def index(self) -> StoryIndex | None:
        """The open stories' index (labelled: save it to restore the clusterer lazily)."""
        return self._index

    @property
    def clock(self) -> datetime | None:
        """The latest publication time seen: save it beside :attr:`index`."""
        return self._clock

    def story_of(self, article_id: str) -> str | None:
        return self._story_of.get(article_id)

    def term_statistics(self) -> npt.NDArray[np.float32]:
        """The fitted term statistics, to save with the stories."""
        return self._terms.to_array()

    @property
    def open_stories(self) -> int:
        return len(self._index) if self._index is not None else 0

    def memory_bytes(self) -> int:
        """Bytes held by the index, the story state and the article → story map (estimate).

        Counts array buffers and per-object overheads as CPython lays them
        out (a slotted object, a list slot, a dict entry, a short str).
        """
        per_story_overhead = 200
        total = self._terms.document_frequency.nbytes
        for story in self._stories.values():
            total += per_story_overhead + 8 * len(story.article_ids)
            total += story.vector_sum.nbytes + story.term_keys.nbytes + story.term_weights.nbytes
            total += 100 * len(story.languages)
        for article_id in self._story_of:
            total += 100 + len(article_id)
        if self._index is not None:
            total += self._index.memory_bytes
        return total

    # -- adding -----------------------------------------------------------

    def add(
        self,
        article_id: str,
        vector: Vector,
        published: datetime | None = None,
        copied_from: Iterable[str] = (),
        terms: Mapping[int, float] | None = None,
        language: str | None = None,
    ) -> str:
        """Put one article into a story and return the story's id.

        ``terms`` are the article's term counts by bucket (see
        :func:`~synopsis.stories.representation.article_terms`); without them
        the article is compared by its vector alone.
        """
        if article_id in self._story_of:
            return self._story_of[article_id]
        self._sequence += 1
        if published is not None and (self._clock is None or published > self._clock):
            self._clock = published
            self._close_expired()
        weighted = _NO_TERMS
        if terms:
            self._terms.observe(terms)
            weighted = self._terms.weigh(terms, self.settings.profile_terms)
        story = self._story_by_copy(copied_from) or self._best_story(
            vector, weighted, published, language
        )
        if story is None:
            story = StoryState(
                id=story_id_for(article_id),
                article_ids=[],
                vector_sum=np.zeros_like(vector, dtype=np.float32),
                key=self._sequence,
            )
            self._stories[story.id] = story
            self._by_key[story.key] = story
        self._join(story, article_id, vector, weighted, published, language)
        self._merge_neighbour(story)
        return self._story_of[article_id]

    def _join(
        self,
        story: StoryState,
        article_id: str,
        vector: Vector,
        terms: Terms,
        published: datetime | None,
        language: str | None,
    ) -> None:
        story.article_ids.append(article_id)
        story.vector_sum = (story.vector_sum + vector).astype(np.float32)
        story.term_keys, story.term_weights = self._combine_terms(
            (story.term_keys, story.term_weights), terms
        )
        if language:
            story.languages[language] = story.languages.get(language, 0) + 1
        story.last_sequence = self._sequence
        if published is not None:
            if story.first_published is None or published < story.first_published:
                story.first_published = published
            if story.last_published is None or published > story.last_published:
                story.last_published = published
        self._story_of[article_id] = story.id
        self._open(story)

    def _combine_terms(self, a: Terms, b: Terms) -> Terms:
        if not len(b[0]):
            return a
        if not len(a[0]):
            return b
        keys = np.concatenate([a[0], b[0]])
        weights = np.concatenate([a[1], b[1]]).astype(np.float32)
        unique, inverse = np.unique(keys, return_inverse=True)
        summed = np.zeros(len(unique), dtype=np.float32)
        np.add.at(summed, inverse, weights)
        top_keys, top_weights = heaviest(unique, summed, self.settings.profile_terms)
        return top_keys, top_weights.astype(np.float32)

    def _story_by_copy(self, copied_from: Iterable[str]) -> StoryState | None:
        votes = Counter(self._story_of[a] for a in copied_from if a in self._story_of)
        if not votes:
            return None
        story_id, _ = min(votes.items(), key=lambda item: (-item[1], item[0]))
        return self._stories[story_id]

    # -- scoring ----------------------------------------------------------

    def _best_story(
        self, vector: Vector, terms: Terms, published: datetime | None, language: str | None
    ) -> StoryState | None:
        if self._index is None:
            return None
        best: StoryState | None = None
        best_margin = 0.0
        for key in self._index.search(vector, self.settings.candidates):
            story = self._story(key)
            if story is None or not self._in_window(story, published):
                continue
            margin = self._margin(
                vector, terms, language, _mean_vector(story), _mean_terms(story), story.languages
            )
            if margin >= best_margin and (best is None or margin > best_margin):
                best, best_margin = story, margin
        return best

    def _margin(
        self,
        vector: Vector,
        terms: Terms,
        language: str | None,
        story_mean: Vector,
        story_terms: Terms,
        languages: Mapping[str, int],
    ) -> float:
        """How far the pair scores above its threshold (negative: below).

        ``vector`` and ``terms`` are an article's unit vectors (or a story's
        means); ``story_mean`` and ``story_terms`` the other side's means.
        """
        vector_score = float(story_mean @ vector)
        same_language = not language or not languages or language in languages
        if same_language and len(terms[0]) and len(story_terms[0]):
            term_score = sparse_dot(*terms, *story_terms)
            weight = self.settings.vector_weight
            score = weight * vector_score + (1.0 - weight) * term_score
            return score - self.settings.join_threshold
        return vector_score - self.settings.vector_threshold

    def _in_window(self, story: StoryState, published: datetime | None) -> bool:
        if published is None or story.last_published is None or story.first_published is None:
            return True
        # Compared as seconds: a date near year 1 or 9999 cannot overflow.
        window = self._window.total_seconds()
        when = published.timestamp()
        return (
            story.first_published.timestamp() - window
            <= when
            <= story.last_published.timestamp() + window
        )

    # -- merging ----------------------------------------------------------

    def _merge_neighbour(self, story: StoryState) -> None:
        """Merge ``story`` with its closest open neighbour if the two have converged."""
        if self._index is None or len(story.article_ids) < 2:
            return
        centroid = story.centroid
        mean = _mean_vector(story)
        best: StoryState | None = None
        best_margin = self.settings.merge_margin
        for key in self._index.search(centroid, self.settings.candidates):
            other = self._story(key)
            if other is None or other is story or not self._spans_meet(story, other):
                continue
            margin = self._margin(
                mean,
                _mean_terms(story),
                _main_language(story),
                _mean_vector(other),
                _mean_terms(other),
                other.languages,
            )
            if margin >= best_margin and (best is None or margin > best_margin):
                best, best_margin = other, margin
        if best is not None:
            self._merge(story, best)

    def _spans_meet(self, a: StoryState, b: StoryState) -> bool:
        if a.first_published is None or b.first_published is None:
            return True
        assert a.last_published is not None and b.last_published is not None
        window = self._window.total_seconds()
        return (
            a.first_published.timestamp() - window <= b.last_published.timestamp()
            and b.first_published.timestamp() - window <= a.last_published.timestamp()
        )

    def _merge(self, a: StoryState, b: StoryState) -> None:
        into, gone = (a, b) if a.key < b.key else (b, a)
        into.article_ids.extend(gone.article_ids)
        into.vector_sum = (into.vector_sum + gone.vector_sum).astype(np.float32)
        into.term_keys, into.term_weights = self._combine_terms(_terms_of(into), _terms_of(gone))
        for language, count in gone.languages.items():
            into.languages[language] = into.languages.get(language, 0) + count
        into.last_sequence = self._sequence
        for when in (gone.first_published, gone.last_published):
            if when is not None:
                if into.first_published is None or when < into.first_published:
                    into.first_published = when
                if into.last_published is None or when > into.last_published:
                    into.last_published = when
        for article_id in gone.article_ids:
            self._story_of[article_id] = into.id
        if self._index is not None:
            self._index.remove(gone.key)
        del self._stories[gone.id]
        del self._by_key[gone.key]
        self.merges.append(Merge(gone.id, into.id))
        self._open(into)

    # -- the window ---------------------------------------------------------

    def _open(self, story: StoryState) -> None:
        if story.closed:
            return
        if self._index is None:
            self._index = StoryIndex(story.vector_sum.shape[0], self.settings.exact_search_limit)
        until = None if story.last_published is None else story.last_published.timestamp()
        self._index.put(story.key, story.centroid, StoryLabel(story.id, until))
        if story.last_published is not None:
            heapq.heappush(self._expiry, (story.last_published.timestamp(), story.key))

    def _close_expired(self) -> None:
        if self._clock is None:
            return
        cutoff = self._clock.timestamp() - self._window.total_seconds()
        while self._expiry and self._expiry[0][0] < cutoff:
            _, key = heapq.heappop(self._expiry)
            story = self._by_key.get(key)
            if story is None:
                # Not loaded (only a restored index holds such keys): its label
                # says when it last gathered an article.
                label = self._index.label(key) if self._index is not None else None
                if label is not None and label.until is not None and label.until < cutoff:
                    assert self._index is not None
                    self._index.remove(key)
                continue
            if story.closed or story.last_published is None:
                continue
            if story.last_published.timestamp() >= cutoff:
                continue  # it gathered articles since; a later entry stands for it
            story.closed = True
            if self._index is not None:
                self._index.remove(key)
            # A closed story attracts nothing: keep its centroid only, at half precision.
            story.vector_sum = story.centroid.astype(np.float16)
            story.term_keys, story.term_weights = _NO_TERMS


def _terms_of(story: StoryState) -> Terms:
    return story.term_keys, story.term_weights


def _mean_terms(story: StoryState) -> Terms:
    """The mean of the members' unit term vectors: its dot product is average linkage."""
    members = np.float32(max(len(story.article_ids), 1))
    return story.term_keys, (story.term_weights / members).astype(np.float32)


def _mean_vector(story: StoryState) -> Vector:
    """The mean of the members' unit vectors: its dot product is average linkage."""
    return (story.vector_sum / max(len(story.article_ids), 1)).astype(np.float32)


def _main_language(story: StoryState) -> str | None:
    if not story.languages:
        return None
    return min(story.languages.items(), key=lambda item: (-item[1], item[0]))[0]


__all__ = ["Merge", "StoryClusterer", "StoryState", "story_id_for"]
