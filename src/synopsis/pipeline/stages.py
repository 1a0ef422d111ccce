"""The pipeline's steps: prepare one article, prepare a chunk, digest one story.

- :func:`prepare_articles` holds the one guard of every path: an article that
  a stage cannot handle, or that has nothing left to show, becomes a
  :class:`~synopsis.records.Failure` naming its input; the others go on.
- :func:`prepare_for_digest` is the per-chunk step of the batch pipeline and
  the archive (sentence and document vectors), run by an executor
  (:mod:`.executors`).
- :func:`digest_story` is the one story path: align → summary → compare,
  shared by the batch pipeline, the archive, the web server and the summary
  evaluation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from ..align import align_claims
from ..compare import Comparison, compare_sources
from ..config import Settings
from ..embed import Embedder
from ..records import Article, ClaimGroup, Digest, Failure, Story
from ..stories import document_vector
from ..summary import shown_title, summarize
from ..text.clean import clean
from ..text.language import identify_language
from ..text.segment import segment
from ..types import Encode, Matrix, Vector


def prepare_article(article: Article, *, already_clean: bool = False) -> Article:
    """Clean (unless ``already_clean`` or empty), segment and identify the language."""
    cleaned = article if already_clean or not article.text.strip() else clean(article)
    return identify_language(segment(cleaned))


def prepare_articles(
    articles: Sequence[Article], *, already_clean: bool = False, title_only: bool = False
) -> tuple[list[Article], list[Failure]]:
    """Prepare each article; one bad article never sinks the batch.

    An article with no sentence left becomes a failure, unless ``title_only``
    and it has a title (the stream places such articles by their title).
    """
    ready: list[Article] = []
    failures: list[Failure] = []
    for article in articles:
        try:
            prepared = prepare_article(article, already_clean=already_clean)
        except Exception as exc:  # one bad article never sinks the batch
            failures.append(
                Failure(article.source, f"cleaning failed: {type(exc).__name__}: {exc}")
            )
            continue
        if prepared.sentences or (title_only and prepared.title):
            ready.append(prepared)
        elif title_only:
            failures.append(Failure(article.source, "no title and no text to place"))
        else:
            failures.append(Failure(article.source, "no article text left after cleaning"))
    return ready, failures


@dataclass(slots=True)
class PreparedBatch:
    """Articles ready for comparison, with their vectors, and what could not be prepared.

    ``encoded`` pairs every text the step encoded with its vector (rows of
    ``encoded_vectors``), so the caller can keep them in its cache.
    """

    articles: list[Article] = field(default_factory=list)
    sentence_vectors: dict[str, Matrix] = field(default_factory=dict)
    document_vectors: dict[str, Vector] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    encoded: list[str] = field(default_factory=list)
    encoded_vectors: list[Matrix] = field(default_factory=list)

    def extend(self, other: PreparedBatch) -> None:
        self.articles.extend(other.articles)
        self.sentence_vectors.update(other.sentence_vectors)
        self.document_vectors.update(other.document_vectors)
        self.failures.extend(other.failures)
        self.encoded.extend(other.encoded)
        self.encoded_vectors.extend(other.encoded_vectors)


def embed_article(article: Article, embedder: Embedder) -> tuple[list[str], Matrix]:
    """The texts of ``article`` that get vectors (sentences, then the title) and their vectors."""
    texts = [s.text for s in article.sentences]
    if article.title:
        texts.append(article.title)
    return texts, embedder.encode(texts)


def prepare_for_digest(
    articles: Sequence[Article],
    embedder: Embedder,
    *,
    lead_sentences: int,
    already_clean: bool = False,
) -> PreparedBatch:
    """Prepare a chunk, then give each article sentence vectors and a document vector."""
    ready, failures = prepare_articles(articles, already_clean=already_clean)
    batch = PreparedBatch(articles=ready, failures=failures)
    for article in ready:
        texts, vectors = embed_article(article, embedder)
        rows = vectors[: len(article.sentences)]
        title = vectors[-1] if article.title else None
        batch.sentence_vectors[article.id] = rows
        batch.document_vectors[article.id] = document_vector(title, rows, lead_sentences)
        batch.encoded.extend(texts)
        batch.encoded_vectors.append(vectors)
    return batch


def digest_story(
    story: Story,
    articles: Mapping[str, Article],
    sentence_vectors: Mapping[str, Matrix],
    settings: Settings,
    comparison: Comparison | None,
    *,
    claims: Sequence[ClaimGroup] | None = None,
    rank_all: bool = False,
    encode: Encode | None = None,
) -> Digest:
    """The cited digest of ``story``: its claims aligned, summarised and compared.

    ``articles`` and ``sentence_vectors`` hold (at least) the story's prepared
    articles; ``claims`` are aligned here unless given. Without a
    ``comparison`` the digest has its claims, summary and facts only;
    ``rank_all`` also fills ``Digest.ranking``. Clauses get their vectors
    from the comparison's encoder, else from ``encode`` (else their sentence's).
    """
    if claims is None:
        claims = align_claims(
            story,
            articles,
            sentence_vectors,
            settings.align,
            encode=comparison.encode if comparison is not None else encode,
            claim_settings=settings.claims,
        )
    summary = summarize(
        story, claims, articles, sentence_vectors, settings.digest, rank_all=rank_all
    )
    digest = Digest(
        story=story,
        summary=summary.lines,
        facts=summary.facts,
        claims=list(claims),
        ranking=summary.ranking,
    )
    if comparison is not None:
        found = compare_sources(
            story, claims, articles, sentence_vectors, summary.shown, comparison
        )
        digest.summary = [found.attributed(line) for line in digest.summary]
        digest.facts = [found.attributed(line) for line in digest.facts]
        digest.quotes = found.quotes
        digest.entities = found.entities
        digest.figures = found.figures
        digest.conflicts = found.conflicts
        digest.unique = found.unique
        lead = (digest.facts or digest.summary or [None])[0]  # the best supported claim
        title = shown_title(story, articles, found.conflicts, lead)
        if title != story.title:
            digest.story = replace(story, title=title)
    return digest


def stack(rows: Sequence[Matrix], dim: int) -> Matrix:
    """Rows stacked into one float32 matrix (an empty one of width ``dim`` for none)."""
    if not rows:
        return np.zeros((0, dim), np.float32)
    return np.vstack(rows).astype(np.float32, copy=False)


__all__ = [
    "PreparedBatch",
    "digest_story",
    "embed_article",
    "prepare_article",
    "prepare_articles",
    "prepare_for_digest",
    "stack",
]
