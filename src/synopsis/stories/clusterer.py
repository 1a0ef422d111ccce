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
Undated articles are compared with every open story, unless their text
gives the event's date (see below).

The fast path misses what tells two events of one kind apart: when, how
many, where and who (see :mod:`.signature`). A *second look* reads the
article's event signature where the fast path's choice is in doubt:

- **dates as hard evidence**: a story none of whose confidently dated
  members is within ``event_window_days`` of the article's confident event
  date is not a candidate, whatever the words ("kept apart: event dates
  2008-09-12 vs 2013-05-06"); an undated article is placed in time by the
  event date its text gives;
- **figures**: a story whose figures conflict with the article's scores
  ``figure_penalty`` lower ("23 pirates" vs "26 pirates");
- **close calls**: where the two best stories are within
  ``close_call_margin``, each gains by the share of the article's places
  and actors it names;
- **splits**: a story that joined two events (its first articles could not
  tell them apart) splits in two once its members show it: when the
  average linkage between the two halves of an average-link split of its
  members falls below ``split_threshold``. The half with the founding
  article keeps the story's id; the other becomes a new story, recorded
  as a :class:`Split`.

Each decision the second look changes is kept in :attr:`StoryClusterer.decisions`
with its reason, and the last few in the story's state.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from ..config import StorySettings
from .event_dates import days_between
from .index import StoryIndex, StoryLabel
from .representation import TermStatistics, Vector, heaviest, normalised, sparse_dot
from .signature import EventSignature, Figure, figures_conflict

Terms = tuple[npt.NDArray[np.int64], Vector]
_NO_TERMS: Terms = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
_NO_SIGNATURE = EventSignature()
_KEPT_DECISIONS = 8  # the reasons a story's state keeps
_PROFILE_NAMES = 64  # places and actors a story counts
_PROFILE_FIGURES = 8  # values kept per kind of figure
EventDays = tuple[int, int]  # the first and last day (proleptic ordinals) of an event date


def story_id_for(founding_article_id: str) -> str:
    """A story's id: stable, derived from the article that opened it."""
    return "s" + hashlib.blake2b(founding_article_id.encode("utf-8"), digest_size=6).hexdigest()


@dataclass(slots=True)
class MemberSignal:
    """What an open story keeps of one member so that it can split: its signals, compactly."""

    article_id: str
    vector: npt.NDArray[np.float16]
    term_keys: npt.NDArray[np.int64]
    term_weights: npt.NDArray[np.float16]
    published: datetime | None = None
    language: str | None = None
    event: EventDays | None = None
    figures: tuple[Figure, ...] = ()
    names: tuple[str, ...] = ()

    def to_state(self) -> dict[str, Any]:
        return {
            "id": self.article_id,
            "vector": base64.b64encode(self.vector.astype("<f2").tobytes()).decode("ascii"),
            "term_keys": [int(k) for k in self.term_keys],
            "term_weights": [round(float(w), 4) for w in self.term_weights],
            "published": None if self.published is None else self.published.isoformat(),
            "language": self.language,
            "event": None if self.event is None else list(self.event),
            "figures": [[f.unit, f.value] for f in self.figures],
            "names": list(self.names),
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> MemberSignal:
        event = state.get("event")
        published = state.get("published")
        return cls(
            article_id=str(state["id"]),
            vector=np.frombuffer(base64.b64decode(state["vector"]), dtype="<f2").astype(np.float16),
            term_keys=np.asarray(state.get("term_keys", []), dtype=np.int64),
            term_weights=np.asarray(state.get("term_weights", []), dtype=np.float16),
            published=None if published is None else datetime.fromisoformat(published),
            language=state.get("language"),
            event=None if event is None else (int(event[0]), int(event[1])),
            figures=tuple(Figure(str(u), float(v)) for u, v in state.get("figures", [])),
            names=tuple(str(n) for n in state.get("names", [])),
        )


@dataclass(frozen=True, slots=True)
class StoryDecision:
    """A decision the second look took: what it did with ``article_id`` and why.

    ``action``: ``"kept-apart"`` (a story its fast path would have joined
    was left for the event date), ``"figures"`` (a figure conflict changed
    the choice), ``"close-call"`` (the signature chose between two close
    stories) or ``"split"`` (``story_id`` split off from ``other_id``).
    """

    action: Literal["kept-apart", "figures", "close-call", "split"]
    article_id: str
    story_id: str
    other_id: str
    reason: str


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
    event: EventDays | None = None
    figures: dict[str, list[float]] = field(default_factory=dict)
    names: dict[str, int] = field(default_factory=dict)
    members: list[MemberSignal] | None = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    split_from: set[str] = field(default_factory=set)
    # The members' pairwise scores, in member order: a cache, not saved (rebuilt on demand).
    similarity: npt.NDArray[np.float32] | None = field(default=None, repr=False)

    @property
    def centroid(self) -> Vector:
        return normalised(self.vector_sum.astype(np.float32))

    @property
    def event_dates(self) -> tuple[datetime, datetime] | None:
        """The first and last day of its members' confident event dates (``None``: none dated)."""
        if self.event is None:
            return None
        first, last = (datetime.combine(date.fromordinal(d), time(), UTC) for d in self.event)
        return first, last

    def to_state(self) -> dict[str, Any]:
        """The clustering state as JSON-ready values (the vector sum is saved apart)."""
        return {
            "key": self.key,
            "last_sequence": self.last_sequence,
            "term_keys": [int(k) for k in self.term_keys],
            "term_weights": [float(w) for w in self.term_weights],
            "languages": dict(sorted(self.languages.items())),
            "event": None if self.event is None else list(self.event),
            "figures": {unit: values for unit, values in sorted(self.figures.items())},
            "names": dict(sorted(self.names.items())),
            "members": None
            if self.members is None
            else [member.to_state() for member in self.members],
            "decisions": list(self.decisions),
            "split_from": sorted(self.split_from),
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
            event=None if state.get("event") is None else (state["event"][0], state["event"][1]),
            figures={
                str(unit): [float(v) for v in values]
                for unit, values in dict(state.get("figures", {})).items()
            },
            names={str(k): int(v) for k, v in dict(state.get("names", {})).items()},
            # A story saved before members were kept cannot split: it keeps none.
            members=[MemberSignal.from_state(m) for m in state["members"]]
            if state.get("members") is not None
            else None,
            decisions=[str(d) for d in state.get("decisions", [])],
            split_from={str(i) for i in state.get("split_from", [])},
        )


@dataclass(frozen=True, slots=True)
class Merge:
    """Story ``from_id`` was merged into story ``into_id`` (which keeps its id)."""

    from_id: str
    into_id: str


@dataclass(frozen=True, slots=True)
class Split:
    """Story ``new_id`` split off from story ``from_id`` (which keeps its id), taking ``moved``."""

    from_id: str
    new_id: str
    moved: tuple[str, ...]
    reason: str


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
        self.splits: list[Split] = []
        self.decisions: list[StoryDecision] = []
        self.second_looks = 0
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

    def story(self, article_id: str) -> str:
        """The story of an article this clusterer placed (``KeyError`` for any other)."""
        return self._story_of[article_id]

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
            total += 100 * (len(story.names) + len(story.figures) + len(story.decisions))
            if story.similarity is not None:
                total += story.similarity.nbytes
            for member in story.members or ():
                total += per_story_overhead + member.vector.nbytes
                total += member.term_keys.nbytes + member.term_weights.nbytes
                total += 60 * (len(member.figures) + len(member.names))
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
        signature: EventSignature | None = None,
    ) -> str:
        """Put one article into a story and return the story's id.

        ``terms`` are the article's term counts by bucket (see
        :func:`~synopsis.stories.representation.article_terms`); without them
        the article is compared by its vector alone. ``signature`` is its
        event signature (:func:`~synopsis.stories.signature.article_signature`);
        without it the second look has only the vectors and terms to go by.
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
        signature = signature or _NO_SIGNATURE
        event = self._event_days(signature)
        # An undated article is placed in time by the event date its text gives.
        when = published
        if when is None and event is not None:
            when = datetime.combine(date.fromordinal(event[0]), time(), UTC)
        story = self._story_by_copy(copied_from)
        reason = None
        if story is None:
            story, reason = self._best_story(
                article_id, vector, weighted, when, language, signature, event
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
        if reason is not None:
            _remember(story, reason)
        member = self._member(article_id, vector, weighted, published, language, signature, event)
        self._join(story, member, vector, weighted)
        merged = self._merge_neighbour(story)
        self._maybe_split(merged or story, article_id)
        return self.story(article_id)

    def _event_days(self, signature: EventSignature) -> EventDays | None:
        found = signature.date
        if found is None or found.confidence < self.settings.event_date_confidence:
            return None
        return found.first.toordinal(), found.last.toordinal()

    def _member(
        self,
        article_id: str,
        vector: Vector,
        terms: Terms,
        published: datetime | None,
        language: str | None,
        signature: EventSignature,
        event: EventDays | None,
    ) -> MemberSignal:
        keys, weights = heaviest(terms[0], terms[1], self.settings.member_terms)
        return MemberSignal(
            article_id=article_id,
            vector=np.asarray(vector, dtype=np.float16),
            term_keys=keys,
            term_weights=weights.astype(np.float16),
            published=published,
            language=language or None,
            event=event,
            figures=signature.figures,
            names=tuple(_name_keys(signature)),
        )

    def _join(self, story: StoryState, member: MemberSignal, vector: Vector, terms: Terms) -> None:
        story.article_ids.append(member.article_id)
        story.vector_sum = (story.vector_sum + vector).astype(np.float32)
        story.term_keys, story.term_weights = self._combine_terms(
            (story.term_keys, story.term_weights), terms
        )
        story.last_sequence = self._sequence
        _add_signals(story, member)
        if story.members is not None:
            if len(story.article_ids) <= self.settings.split_max_members:
                story.members.append(member)
            else:
                # Established: it no longer splits, nor keeps its members.
                story.members = story.similarity = None
        self._story_of[member.article_id] = story.id
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
        self,
        article_id: str,
        vector: Vector,
        terms: Terms,
        published: datetime | None,
        language: str | None,
        signature: EventSignature,
        event: EventDays | None,
    ) -> tuple[StoryState | None, str | None]:
        """The story the article joins (``None``: a new one) and why, where the second look chose.

        The fast path's choice is the best-scoring story above the
        threshold; the second look may reject it or pick the runner-up.
        """
        if self._index is None:
            return None, None
        scored: list[tuple[float, int, StoryState]] = []
        for rank, key in enumerate(self._index.search(vector, self.settings.candidates)):
            story = self._story(key)
            if story is None or not self._in_window(story, published):
                continue
            margin = self._margin(
                vector, terms, language, _mean_vector(story), _mean_terms(story), story.languages
            )
            scored.append((margin, -rank, story))
        if not scored:
            return None, None
        scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
        fast = scored[0][2] if scored[0][0] >= 0 else None
        looked: list[tuple[float, int, StoryState]] = []
        reasons: dict[str, tuple[Literal["kept-apart", "figures", "close-call"], str]] = {}
        for margin, rank, story in scored:
            if margin < 0:
                continue  # the second look lifts no story over the threshold
            apart = _dates_apart(event, story.event, self.settings.event_window_days)
            if apart is not None:
                reasons[story.id] = ("kept-apart", f"kept apart: event dates {apart}")
                continue
            if signature.figures and story.figures:
                theirs = [Figure(u, v) for u, values in story.figures.items() for v in values]
                if figures_conflict(signature.figures, theirs):
                    margin -= self.settings.figure_penalty
                    reasons[story.id] = ("figures", _figure_reason(signature.figures, theirs))
            looked.append((margin, rank, story))
        looked.sort(key=lambda item: (item[0], item[1]), reverse=True)
        names = set(_name_keys(signature))
        if (
            names
            and len(looked) > 1
            and looked[1][0] >= 0
            and looked[0][0] - looked[1][0] < self.settings.close_call_margin
        ):
            # A close call between two stories: the places and actors each names decide it.
            weight = self.settings.signature_weight
            looked[:2] = sorted(
                (
                    (margin + weight * _named_share(names, story), rank, story)
                    for margin, rank, story in looked[:2]
                ),
                key=lambda item: (item[0], item[1]),
                reverse=True,
            )
            close_call: tuple[Literal["close-call"], str] = (
                "close-call",
                "close call: chosen by the places and actors named",
            )
            for _, _, story in looked[:2]:
                reasons.setdefault(story.id, close_call)
        chosen = looked[0][2] if looked and looked[0][0] >= 0 else None
        if reasons:
            self.second_looks += 1
        if chosen is fast or fast is None:
            return chosen, None
        action, reason = reasons.get(fast.id) or reasons[chosen.id if chosen else fast.id]
        story_id = chosen.id if chosen is not None else story_id_for(article_id)
        self.decisions.append(StoryDecision(action, article_id, story_id, fast.id, reason))
        return chosen, reason

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

    def _merge_neighbour(self, story: StoryState) -> StoryState | None:
        """Merge ``story`` with its closest open neighbour if the two have converged.

        Returns the merged story, if any; stories whose event dates are apart never merge.
        """
        if self._index is None or len(story.article_ids) < 2:
            return None
        centroid = story.centroid
        mean = _mean_vector(story)
        best: StoryState | None = None
        best_margin = self.settings.merge_margin
        for key in self._index.search(centroid, self.settings.candidates):
            other = self._story(key)
            if other is None or other is story or not self._spans_meet(story, other):
                continue
            if _dates_apart(story.event, other.event, self.settings.event_window_days):
                continue
            if other.id in story.split_from or story.id in other.split_from:
                continue  # they split apart: joining them again would only split them again
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
        if best is None:
            return None
        return self._merge(story, best)

    def _spans_meet(self, a: StoryState, b: StoryState) -> bool:
        if a.first_published is None or b.first_published is None:
            return True
        assert a.last_published is not None and b.last_published is not None
        window = self._window.total_seconds()
        return (
            a.first_published.timestamp() - window <= b.last_published.timestamp()
            and b.first_published.timestamp() - window <= a.last_published.timestamp()
        )

    def _merge(self, a: StoryState, b: StoryState) -> StoryState:
        into, gone = (a, b) if a.key < b.key else (b, a)
        into.article_ids.extend(gone.article_ids)
        into.vector_sum = (into.vector_sum + gone.vector_sum).astype(np.float32)
        into.term_keys, into.term_weights = self._combine_terms(_terms_of(into), _terms_of(gone))
        for language, count in gone.languages.items():
            into.languages[language] = into.languages.get(language, 0) + count
        into.event = _hull(into.event, gone.event)
        for unit, values in gone.figures.items():
            for value in values:
                _add_figure(into, unit, value)
        for name, count in gone.names.items():
            into.names[name] = into.names.get(name, 0) + count
        _trim_names(into)
        if (
            into.members is not None
            and gone.members is not None
            and len(into.article_ids) <= self.settings.split_max_members
        ):
            into.members.extend(gone.members)
        else:
            into.members = into.similarity = None
        into.decisions = (into.decisions + gone.decisions)[-_KEPT_DECISIONS:]
        into.split_from |= gone.split_from
        into.last_sequence = self._sequence
        for when in (gone.first_published, gone.last_published):
            _widen_span(into, when)
        for article_id in gone.article_ids:
            self._story_of[article_id] = into.id
        if self._index is not None:
            self._index.remove(gone.key)
        del self._stories[gone.id]
        del self._by_key[gone.key]
        self.merges.append(Merge(gone.id, into.id))
        self._open(into)
        return into

    # -- splitting ----------------------------------------------------------

    def _maybe_split(self, story: StoryState, article_id: str) -> None:
        """Split ``story`` in two if its members show it joined two events (see the module)."""
        members = story.members
        settings = self.settings
        if (
            members is None
            or story.closed
            or not settings.split_min_members <= len(members) <= settings.split_max_members
            or len(members) != len(story.article_ids)
        ):
            return
        similarity = self._member_similarity(story)
        if float(similarity.min()) >= settings.split_threshold:
            return  # no two halves can score below their weakest pair: nothing to split
        keep, move = _two_halves(similarity)
        if len(keep) < 2 or len(move) < 2:
            return
        between = float(similarity[np.ix_(keep, move)].mean())
        if between >= settings.split_threshold:
            return
        self.second_looks += 1
        reason = (
            f"split: its two halves score {between:.2f} together, "
            f"below {settings.split_threshold:.2f}"
        )
        moved = [members[i] for i in move]
        self._sequence += 1
        new = StoryState(
            # The numbering keeps the id new: the same story may split off the same article
            # again later, after the first half was merged away.
            id=story_id_for(f"{moved[0].article_id}@{story.id}#{self._sequence}"),
            article_ids=[],
            vector_sum=np.zeros_like(story.vector_sum, dtype=np.float32),
            key=self._sequence,
        )
        self._rebuild(story, [members[i] for i in keep])
        self._stories[new.id] = new
        self._by_key[new.key] = new
        self._rebuild(new, moved)
        story.similarity = similarity[np.ix_(keep, keep)]
        new.similarity = similarity[np.ix_(move, move)]
        new.split_from = {story.id}
        for state in (story, new):
            _remember(state, reason)
            state.last_sequence = self._sequence
            self._open(state)
        ids = tuple(m.article_id for m in moved)
        self.splits.append(Split(story.id, new.id, ids, reason))
        self.decisions.append(StoryDecision("split", article_id, new.id, story.id, reason))

    def _member_similarity(self, story: StoryState) -> npt.NDArray[np.float32]:
        """Pairwise scores of the story's members (kept with it, one row added per join)."""
        members = story.members or []
        known = story.similarity
        count = 0 if known is None else known.shape[0]
        if count > len(members):
            known, count = None, 0
        similarity = np.ones((len(members), len(members)), dtype=np.float32)
        if known is not None and count:
            similarity[:count, :count] = known
        for i in range(count, len(members)):
            row = self._scores(members[i], members[:i])
            similarity[i, :i] = row
            similarity[:i, i] = row
        story.similarity = similarity
        return similarity

    def _scores(
        self, member: MemberSignal, others: Sequence[MemberSignal]
    ) -> npt.NDArray[np.float32]:
        """How ``member`` scores with each of ``others``, as a join would, with the conflicts."""
        settings = self.settings
        if not others:
            return np.zeros(0, dtype=np.float32)
        vectors = np.vstack([m.vector for m in others]).astype(np.float32)
        cosine = (vectors @ member.vector.astype(np.float32)).astype(np.float64)
        # Every term dot product at once: find each other's keys among the member's (sorted).
        keys = np.concatenate([m.term_keys for m in others])
        weights = np.concatenate([m.term_weights for m in others]).astype(np.float64)
        owners = np.repeat(np.arange(len(others)), [len(m.term_keys) for m in others])
        terms: npt.NDArray[np.float64] = np.zeros(len(others), dtype=np.float64)
        if len(member.term_keys) and len(keys):
            at = np.minimum(np.searchsorted(member.term_keys, keys), len(member.term_keys) - 1)
            hit = member.term_keys[at] == keys
            products = weights[hit] * member.term_weights[at[hit]].astype(np.float64)
            terms = np.bincount(owners[hit], weights=products, minlength=len(others)).astype(
                np.float64
            )
        weight = settings.vector_weight
        scores = weight * cosine + (1.0 - weight) * terms
        for j, other in enumerate(others):
            if not (len(member.term_keys) and len(other.term_keys)) or (
                member.language and other.language and member.language != other.language
            ):  # the vectors alone, against their own threshold
                scores[j] = cosine[j] - settings.vector_threshold + settings.join_threshold
            if _dates_apart(member.event, other.event, settings.event_window_days):
                scores[j] = -1.0
            elif (
                member.figures and other.figures and figures_conflict(member.figures, other.figures)
            ):
                scores[j] -= settings.figure_penalty
        return scores.astype(np.float32)

    def _rebuild(self, story: StoryState, members: Sequence[MemberSignal]) -> None:
        """Make ``story`` the story of ``members`` alone, from what it kept of each."""
        story.article_ids = [m.article_id for m in members]
        story.members = list(members)
        story.vector_sum = np.sum(
            np.vstack([m.vector for m in members]).astype(np.float32), axis=0
        ).astype(np.float32)
        terms = _NO_TERMS
        for member in members:
            terms = self._combine_terms(
                terms, (member.term_keys, member.term_weights.astype(np.float32))
            )
        story.term_keys, story.term_weights = terms
        story.languages, story.event, story.figures, story.names = {}, None, {}, {}
        story.first_published = story.last_published = None
        for member in members:
            _add_signals(story, member)
            self._story_of[member.article_id] = story.id

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
            story.members, story.names, story.figures = None, {}, {}
            story.similarity = None


def _add_signals(story: StoryState, member: MemberSignal) -> None:
    """Count a member's language, time, event date, figures and names into its story."""
    if member.language:
        story.languages[member.language] = story.languages.get(member.language, 0) + 1
    _widen_span(story, member.published)
    story.event = _hull(story.event, member.event)
    for figure in member.figures:
        _add_figure(story, figure.unit, figure.value)
    for name in member.names:
        story.names[name] = story.names.get(name, 0) + 1
    _trim_names(story)


def _widen_span(story: StoryState, when: datetime | None) -> None:
    """Widen the story's publication span to take in ``when`` (nothing for ``None``)."""
    if when is None:
        return
    if story.first_published is None or when < story.first_published:
        story.first_published = when
    if story.last_published is None or when > story.last_published:
        story.last_published = when


def _add_figure(story: StoryState, unit: str, value: float) -> None:
    values = story.figures.setdefault(unit, [])
    if value not in values and len(values) < _PROFILE_FIGURES:
        values.append(value)


def _trim_names(story: StoryState) -> None:
    if len(story.names) > _PROFILE_NAMES:
        kept = sorted(story.names.items(), key=lambda item: (-item[1], item[0]))[:_PROFILE_NAMES]
        story.names = dict(kept)


def _hull(a: EventDays | None, b: EventDays | None) -> EventDays | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a[0], b[0]), max(a[1], b[1])


def _dates_apart(a: EventDays | None, b: EventDays | None, window_days: float) -> str | None:
    """``"<a> vs <b>"`` where both event dates are known and further apart than the window."""
    if a is None or b is None or days_between(a, b) <= window_days:
        return None
    return f"{_day_text(a)} vs {_day_text(b)}"


def _day_text(days: EventDays) -> str:
    first, last = (date.fromordinal(d).isoformat() for d in days)
    return first if first == last else f"{first}..{last}"


def _figure_reason(ours: Sequence[Figure], theirs: Sequence[Figure]) -> str:
    units = {f.unit for f in theirs}
    mine = next(f for f in ours if f.unit in units)
    other = next(f for f in theirs if f.unit == mine.unit)
    return f"figures differ: {mine.value:g} vs {other.value:g} {mine.unit}"


def _name_keys(signature: EventSignature) -> list[str]:
    return list(dict.fromkeys(n.lower() for n in (*signature.places, *signature.actors)))


def _named_share(names: set[str], story: StoryState) -> float:
    """The share of ``names`` that the story's members name, averaged over its members."""
    members = max(len(story.article_ids), 1)
    return sum(min(story.names.get(n, 0), members) for n in names) / (members * len(names))


def _remember(story: StoryState, reason: str) -> None:
    story.decisions = [*story.decisions, reason][-_KEPT_DECISIONS:]


def _two_halves(similarity: npt.NDArray[np.float32]) -> tuple[list[int], list[int]]:
    """An average-link split of the members in two: the half with the first member first."""
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    count = similarity.shape[0]
    distances = squareform(np.clip(1.0 - similarity.astype(np.float64), 0.0, None), checks=False)
    merges = linkage(distances, method="average")
    # The last merge joins the two halves: gather the leaves under one of them.
    half: set[int] = set()
    pending = [int(merges[-1, 0])]
    while pending:
        node = pending.pop()
        if node < count:
            half.add(node)
        else:
            pending.extend(int(child) for child in merges[node - count, :2])
    first = 0 in half
    return (
        [i for i in range(count) if (i in half) == first],
        [i for i in range(count) if (i in half) != first],
    )


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


__all__ = [
    "MemberSignal",
    "Merge",
    "Split",
    "StoryClusterer",
    "StoryDecision",
    "StoryState",
    "story_id_for",
]
