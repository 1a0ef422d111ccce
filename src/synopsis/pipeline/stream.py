"""The cheap path from raw articles to stories: clean, language, one vector, assign.

Each article costs one or two encoder calls (its lead as one text, its title),
a regular-expression pass for its terms and one index search, so a stream of
hundreds of articles a second can be kept in stories; sentence vectors, claim
alignment and digests (the heavy path) are left for the stories a reader opens.

An article whose body is empty after cleaning is placed by its title alone;
one with neither body nor title is reported as a failure. Undated articles
follow the dated ones of their batch, in input order.

The work is split in two steps. Preparing (clean, segment, language, terms,
vectors) looks at one article at a time, so it runs on chunks of
``chunk`` articles; assigning runs in publication order over a whole batch, in
this process, against the clusterer. Where the chunks are prepared is the
executor's choice, apart from the steps (:mod:`.executors`): :class:`InProcess`
(``workers=1``, the default), :class:`WorkerPool` (``workers`` processes,
each with its own encoder built once from
:func:`~synopsis.embed.embedder_recipe`, on one thread) or any executor
given, such as a :class:`~synopsis.pipeline.dask.DaskExecutor` over a
cluster's workers. All prepare the same chunks with the same code, so the
stories are the same whatever the executor; :meth:`StoryStream.add_many`
keeps the workers busy on later batches while earlier ones are assigned.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from ..closing import Closeable
from ..config import StorySettings
from ..embed import Embedder, Vectors, embedder_recipe
from ..records import Article, Failure
from ..stories import assign_articles
from ..stories.clusterer import StoryClusterer
from ..stories.representation import article_terms, signal_texts, title_lead_vector
from ..stories.signature import EventSignature, article_signature
from ..types import Vector
from .executors import Executor, InProcess, WorkerPool
from .stages import prepare_articles, stack

DEFAULT_CHUNK = 64


@dataclass(slots=True)
class StreamResult:
    """Where each article of a batch went: story id by article id, and failures."""

    stories: dict[str, str] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)


@dataclass(slots=True)
class PreparedChunk:
    """A chunk of articles made ready to assign, in input order, without their text.

    ``articles`` are stand-ins of the placeable articles (id, source,
    publication time, language), with their term counts in ``terms``, their
    event signatures in ``signatures`` and their vectors as the rows of
    ``vectors``; ``failures`` are the rest.
    """

    articles: list[Article]
    terms: list[dict[int, float]]
    vectors: Vectors
    failures: list[Failure]
    signatures: list[EventSignature] = field(default_factory=list)


def signal_vectors(
    articles: Sequence[Article], embedder: Embedder, sentences: int
) -> dict[str, Vector]:
    """The cheap document vector of each article: lead and title, encoded in one batch."""
    texts: list[str] = []
    spans: list[tuple[str, int, bool]] = []
    for article in articles:
        own = signal_texts(article, sentences)
        spans.append((article.id, len(texts), len(own) == 2))
        texts.extend(own)
    encoded = embedder.encode(texts) if texts else np.zeros((0, embedder.dim), np.float32)
    return {
        article_id: title_lead_vector(encoded[start + 1] if titled else None, encoded[start])
        for article_id, start, titled in spans
    }


def prepare_chunk(
    articles: Sequence[Article], embedder: Embedder, settings: StorySettings
) -> PreparedChunk:
    """Prepare, embed and count the terms of a chunk; one bad article never sinks it."""
    ready, failures = prepare_articles(articles, title_only=True)
    vectors = signal_vectors(ready, embedder, settings.signal_sentences)
    return PreparedChunk(
        articles=[
            Article(id=a.id, text="", source=a.source, published=a.published, language=a.language)
            for a in ready
        ],
        terms=[article_terms(a, settings.term_buckets) for a in ready],
        vectors=stack([vectors[a.id] for a in ready], embedder.dim),
        failures=failures,
        signatures=[article_signature(a) for a in ready],
    )


class StoryStream(Closeable):
    """Keeps stories current over a stream of raw articles (see the module's notes).

    ``workers`` > 1 prepares chunks of ``chunk`` articles in that many
    processes, each with its own copy of the encoder (rebuilt from
    ``embedder`` by :func:`~synopsis.embed.embedder_recipe` on one thread,
    or by ``recipe`` where given). The chunks are the same either way, so
    the stories are those of ``workers=1`` wherever the copy encodes as the
    original does (an encoder on several BLAS threads may round differently
    from its one-thread copy). Workers are started with ``spawn``: a script
    that uses them must guard its entry point (``if __name__ ==
    "__main__":``). Close the stream (or use it as a context manager) to stop
    the workers. ``executor`` (say, a Dask cluster's) prepares the chunks
    instead; it is the caller's to close.
    """

    def __init__(
        self,
        embedder: Embedder,
        settings: StorySettings | None = None,
        clusterer: StoryClusterer | None = None,
        *,
        workers: int = 1,
        chunk: int = DEFAULT_CHUNK,
        recipe: Callable[[], Embedder] | None = None,
        executor: Executor | None = None,
    ) -> None:
        if workers < 1 or chunk < 1:
            raise ValueError(f"workers and chunk must be at least 1, got {workers!r}, {chunk!r}")
        if executor is not None and (workers != 1 or recipe is not None):
            raise ValueError("give an executor, or workers (and a recipe) for one, not both")
        self.settings = settings or StorySettings()
        self.embedder = embedder
        self.clusterer = clusterer or StoryClusterer(self.settings)
        self.chunk = chunk
        self._owned = executor is None
        self.executor: Executor
        if executor is not None:
            self.executor = executor
        elif workers == 1:
            self.executor = InProcess(embedder)
        else:
            self.executor = WorkerPool(workers, recipe or embedder_recipe(embedder, threads=1))

    def add(
        self, articles: Sequence[Article], copied_from: Mapping[str, Sequence[str]] | None = None
    ) -> StreamResult:
        """Prepare, embed and assign a batch of articles; one bad article never sinks it."""
        (result,) = self.add_many([articles], copied_from)
        return result

    def add_many(
        self,
        batches: Iterable[Sequence[Article]],
        copied_from: Mapping[str, Sequence[str]] | None = None,
    ) -> Iterator[StreamResult]:
        """:meth:`add` each batch in turn, yielding its result; with workers, pipelined.

        Later batches are prepared while earlier ones are assigned, so the
        batches are read ahead of the results.
        """
        counts: deque[int] = deque()  # chunks of each batch read but not yet assigned

        def chunks() -> Iterator[Sequence[Article]]:
            for batch in batches:
                parts = [batch[i : i + self.chunk] for i in range(0, len(batch), self.chunk)]
                counts.append(len(parts) or 1)
                yield from parts or [[]]

        collected: list[PreparedChunk] = []
        step = partial(prepare_chunk, settings=self.settings)
        for prepared in self.executor.map(step, chunks()):
            collected.append(prepared)
            if len(collected) == counts[0]:
                counts.popleft()
                yield self._assign(collected, copied_from or {})
                collected = []

    def _assign(
        self, chunks: Sequence[PreparedChunk], copied_from: Mapping[str, Sequence[str]]
    ) -> StreamResult:
        """Assign one batch's prepared chunks in publication order, as one batch."""
        result = StreamResult()
        ready: list[Article] = []
        terms: list[dict[int, float]] = []
        signatures: list[EventSignature] = []
        vectors: dict[str, Vector] = {}
        for prepared in chunks:
            result.failures.extend(prepared.failures)
            ready.extend(prepared.articles)
            terms.extend(prepared.terms)
            signatures.extend(prepared.signatures)
            for article, vector in zip(prepared.articles, prepared.vectors, strict=True):
                vectors[article.id] = vector  # a repeated id takes its last vector
        position = {id(article): i for i, article in enumerate(ready)}
        placed = assign_articles(
            self.clusterer,
            ready,
            vectors,
            copied_from,
            terms=lambda article: terms[position[id(article)]],
            signatures=lambda article: signatures[position[id(article)]],
        )
        for article, story_id in placed:
            result.stories[article.id] = story_id
        return result

    def start(self) -> None:
        """Start the workers now (they otherwise start with the first batch)."""
        start = getattr(self.executor, "start", None)
        if callable(start):
            start()

    def close(self) -> None:
        """Stop the workers the stream started, if any; it starts new ones if used again."""
        if self._owned:
            self.executor.close()


__all__ = [
    "DEFAULT_CHUNK",
    "PreparedChunk",
    "StoryStream",
    "StreamResult",
    "prepare_chunk",
    "signal_vectors",
]
