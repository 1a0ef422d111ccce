"""Stories: articles grouped by the event they report, one article at a time.

Articles are taken in publication order (input order where undated). Each
joins the story it copies from, else the open story whose centroid is most
similar to it (when similar enough and within the time window), else opens a
new story. The same algorithm serves one-shot digests and incremental ingest,
so both give the same stories for the same input.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from .config import StorySettings
from .copies import source_groups
from .records import Article, CopyLink, Story

Vector = npt.NDArray[np.float32]


def story_id_for(founding_article_id: str) -> str:
    """A story's id: stable, derived from the article that opened it."""
    return "s" + hashlib.blake2b(founding_article_id.encode("utf-8"), digest_size=6).hexdigest()


def document_vector(title: Vector | None, sentences: npt.NDArray[np.float32], lead: int) -> Vector:
    """An article's vector: the normalised mean of its title and lead sentences."""
    parts = list(sentences[:lead])
    if title is not None:
        parts.append(title)
    if not parts:
        raise ValueError("an article needs a title or at least one sentence to get a vector")
    mean = np.mean(np.vstack(parts), axis=0)
    norm = float(np.linalg.norm(mean))
    vector: Vector = (mean / norm if norm else mean).astype(np.float32)
    return vector


@dataclass(slots=True)
class StoryState:
    """What the clusterer keeps of one story."""

    id: str
    article_ids: list[str]
    vector_sum: Vector
    first_published: datetime | None = None
    last_published: datetime | None = None
    last_sequence: int = 0
    members: set[str] = field(default_factory=set)

    @property
    def centroid(self) -> Vector:
        norm = float(np.linalg.norm(self.vector_sum))
        return (self.vector_sum / norm if norm else self.vector_sum).astype(np.float32)

    def to_state(self) -> dict[str, Any]:
        return {"last_sequence": self.last_sequence}


class StoryClusterer:
    """Assigns articles to stories incrementally.

    ``add`` returns the id of the story the article joined or opened. The
    clusterer can be rebuilt from saved :class:`StoryState` objects, which is
    how ``synopsis ingest`` keeps stories across runs.
    """

    def __init__(
        self, settings: StorySettings | None = None, states: Iterable[StoryState] = ()
    ) -> None:
        self.settings = settings or StorySettings()
        self._stories: dict[str, StoryState] = {}
        self._story_of: dict[str, str] = {}
        self._sequence = 0
        for state in states:
            self._stories[state.id] = state
            state.members = set(state.article_ids)
            for article_id in state.article_ids:
                self._story_of[article_id] = state.id
            self._sequence = max(self._sequence, state.last_sequence)

    @property
    def stories(self) -> list[StoryState]:
        return list(self._stories.values())

    def story_of(self, article_id: str) -> str | None:
        return self._story_of.get(article_id)

    def add(
        self,
        article_id: str,
        vector: Vector,
        published: datetime | None = None,
        copied_from: Iterable[str] = (),
    ) -> str:
        """Put one article into a story and return the story's id."""
        if article_id in self._story_of:
            return self._story_of[article_id]
        self._sequence += 1
        story = self._story_by_copy(copied_from) or self._closest_story(vector, published)
        if story is None:
            story = StoryState(
                id=story_id_for(article_id),
                article_ids=[],
                vector_sum=np.zeros_like(vector, dtype=np.float32),
            )
            self._stories[story.id] = story
        story.article_ids.append(article_id)
        story.members.add(article_id)
        story.vector_sum = (story.vector_sum + vector).astype(np.float32)
        story.last_sequence = self._sequence
        if published is not None:
            if story.first_published is None or published < story.first_published:
                story.first_published = published
            if story.last_published is None or published > story.last_published:
                story.last_published = published
        self._story_of[article_id] = story.id
        return story.id

    def _story_by_copy(self, copied_from: Iterable[str]) -> StoryState | None:
        votes = Counter(self._story_of[a] for a in copied_from if a in self._story_of)
        if not votes:
            return None
        story_id, _ = min(votes.items(), key=lambda item: (-item[1], item[0]))
        return self._stories[story_id]

    def _closest_story(self, vector: Vector, published: datetime | None) -> StoryState | None:
        best: StoryState | None = None
        best_score = self.settings.join_threshold
        for story in self._stories.values():
            if not self._in_window(story, published):
                continue
            score = float(story.centroid @ vector)
            if score >= best_score:
                best, best_score = story, score
        return best

    def _in_window(self, story: StoryState, published: datetime | None) -> bool:
        if published is None or story.last_published is None or story.first_published is None:
            return True
        window = timedelta(days=self.settings.window_days)
        return story.first_published - window <= published <= story.last_published + window


def publication_order(articles: Sequence[Article]) -> list[Article]:
    """Articles by publication time; undated ones after the dated, in input order."""
    indexed = list(enumerate(articles))
    indexed.sort(key=lambda item: (item[1].published is None, _timestamp(item[1]), item[0]))
    return [article for _, article in indexed]


def _timestamp(article: Article) -> float:
    return article.published.timestamp() if article.published is not None else 0.0


def cluster_stories(
    articles: Sequence[Article],
    vectors: Mapping[str, Vector],
    links: Sequence[CopyLink],
    settings: StorySettings | None = None,
) -> list[Story]:
    """Group ``articles`` into stories in one pass (see :class:`StoryClusterer`)."""
    clusterer = StoryClusterer(settings)
    linked: dict[str, list[str]] = {}
    for link in links:
        linked.setdefault(link.a, []).append(link.b)
        linked.setdefault(link.b, []).append(link.a)
    for article in publication_order(articles):
        if article.id in vectors:
            clusterer.add(
                article.id, vectors[article.id], article.published, linked.get(article.id, ())
            )
    by_id = {article.id: article for article in articles}
    return [build_story(state, by_id, vectors, links) for state in clusterer.stories]


def build_story(
    state: StoryState,
    articles: Mapping[str, Article],
    vectors: Mapping[str, Vector],
    links: Sequence[CopyLink],
) -> Story:
    """A :class:`Story` record from a clusterer state: title, sources, time span."""
    members = [articles[a] for a in state.article_ids if a in articles]
    groups = source_groups([a.id for a in members], links)
    return Story(
        id=state.id,
        article_ids=[a.id for a in members],
        title=story_title(members, vectors, state.centroid),
        independent_sources=len(groups),
        source_groups=groups,
        first_published=state.first_published,
        last_published=state.last_published,
    )


def story_title(members: Sequence[Article], vectors: Mapping[str, Vector], centroid: Vector) -> str:
    """The title of the member closest to the story's centroid (titled members first)."""
    titled = [a for a in members if a.title]
    if not titled:
        first = members[0].sentences[0].text if members and members[0].sentences else ""
        return first[:120]
    best = max(titled, key=lambda a: float(vectors[a.id] @ centroid) if a.id in vectors else -1.0)
    return best.title or ""
