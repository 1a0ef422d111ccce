"""The typed records that flow through synopsis.

One record type, :class:`Article`, flows through reading, cleaning and
segmentation; later stages produce their own typed results (:class:`CopyLink`,
:class:`Story`, :class:`ClaimGroup`, :class:`Digest`) that refer to articles by
id. Nothing here knows about storage, the CLI or the web.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from typing import Any, Self


class RemovalKind(StrEnum):
    """Why cleaning removed a piece of text."""

    DUPLICATE_PARAGRAPH = "duplicate-paragraph"
    LINK_BAIT = "link-bait"
    COMMENT_FORM = "comment-form"
    SHARE_WIDGET = "share-widget"
    HASHTAGS = "hashtags"
    CAPTION = "caption"
    TIMESTAMP = "timestamp"
    BOILERPLATE = "boilerplate"
    MARKUP = "markup"
    DATELINE = "dateline"


@dataclass(frozen=True, slots=True)
class Removal:
    """One piece of text that cleaning removed, and why."""

    kind: RemovalKind
    text: str


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article: ``article.text[start:end] == text``."""

    article_id: str
    index: int
    paragraph: int
    start: int
    end: int
    text: str


@dataclass(slots=True)
class Article:
    """A news article as it moves through the pipeline.

    ``text`` is the cleaned body (paragraphs separated by a blank line);
    ``raw_text`` is what the reader produced before cleaning. ``source`` names
    where the article came from (a file path, a URL, ``"<input 3>"``) and is
    what error messages quote.
    """

    id: str
    text: str
    source: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    path: str | None = None
    published: datetime | None = None
    language: str | None = None
    raw_text: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    removed: list[Removal] = field(default_factory=list)
    quality: list[QualityFlag] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def content_hash(self) -> str:
        """Hash of the normalised body: equal for byte-for-byte reprints."""
        return content_hash(self.raw_text or self.text)

    @property
    def label(self) -> str:
        """A short human name: the outlet, else the title, else the id."""
        return self.outlet or self.title or self.id

    @property
    def word_count(self) -> int:
        return len(self.text.split())


class CopyKind(StrEnum):
    """How one article depends on another."""

    EXACT = "exact"
    NEAR_DUPLICATE = "near-duplicate"
    REWRITE = "rewrite"
    TRANSLATION = "translation"


@dataclass(frozen=True, slots=True)
class CopyLink:
    """Evidence that article ``a`` and article ``b`` are not independent.

    ``origin`` is the id of the likely original where the evidence allows
    (earlier publication time, containment asymmetry), else ``None``.
    """

    a: str
    b: str
    kind: CopyKind
    score: float
    origin: str | None = None
    evidence: tuple[AlignedPassage, ...] = ()


@dataclass(frozen=True, slots=True)
class AlignedPassage:
    """A sentence of article ``a`` and its counterpart in article ``b`` (copy evidence)."""

    a_sentence: int
    b_sentence: int
    a_text: str
    b_text: str
    similarity: float

    def to_dict(self) -> dict[str, Any]:
        """The passage as the report and the store write it."""
        return {
            "a_sentence": self.a_sentence,
            "b_sentence": self.b_sentence,
            "a_text": self.a_text,
            "b_text": self.b_text,
            "similarity": self.similarity,
        }


class QualityKind(StrEnum):
    """What lowers the quality of an article's wording."""

    DOUBLED_PARAGRAPHS = "doubled-paragraphs"
    SPINNER = "spinner-artefacts"
    MACHINE_TRANSLATION = "machine-translation-artefacts"
    RUN_TOGETHER = "run-together-words"


@dataclass(frozen=True, slots=True)
class QualityFlag:
    """One quality problem of an article, with the snippets that show it."""

    kind: QualityKind
    evidence: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.evidence)


@dataclass(frozen=True, slots=True)
class Citation:
    """A pointer to the sentence of an article that supports a line."""

    article: str
    sentence: int
    text: str


@dataclass(slots=True)
class ClaimGroup:
    """Sentences across a story's articles that state the same thing.

    ``support`` names (article, sentence index) the sentences joined to the
    group below the sentence (they state the claim in other words or as part
    of saying more); the others were aligned as whole sentences, and one of
    them shows the claim.
    """

    id: str
    sentences: list[Sentence]
    centrality: float = 0.0
    independent_support: int = 0
    support: frozenset[tuple[str, int]] = frozenset()

    @property
    def articles(self) -> list[str]:
        """The supporting articles, each once, in order of first appearance."""
        return list(dict.fromkeys(s.article_id for s in self.sentences))

    @property
    def own(self) -> list[Sentence]:
        """The sentences that state the claim as a whole (all of them, if none does)."""
        whole = [s for s in self.sentences if (s.article_id, s.index) not in self.support]
        return whole or list(self.sentences)


@dataclass(frozen=True, slots=True)
class CitedLine:
    """A sentence shown to the reader: sentence ``sentence`` of ``article``, cited.

    ``citations`` are the ids of every article that states the claim;
    ``evidence`` holds the sentence each of them states it with. The base of
    :class:`SummaryLine`, :class:`Fact` and :class:`UniqueDetail`.
    """

    text: str
    article: str
    sentence: int
    citations: tuple[str, ...]
    evidence: tuple[Citation, ...]

    @classmethod
    def from_line(cls, line: CitedLine, **changes: Any) -> Self:
        """A ``cls`` with the fields of ``line`` that ``cls`` has, ``changes`` on top.

        ``Fact.from_line(summary_line)`` is the fact a summary line states. A
        field ``cls`` has and ``line`` lacks (``independent_support`` from a
        :class:`UniqueDetail`) must be given in ``changes``, else ``TypeError``.
        """
        values = {
            f.name: getattr(line, f.name)
            for f in fields(cls)
            if f.name not in changes and hasattr(line, f.name)
        }
        return cls(**values, **changes)


@dataclass(frozen=True, slots=True)
class SummaryLine(CitedLine):
    """One line of a story summary, with how many independent sources state it.

    ``speaker`` names who speaks, or whom the subject pronoun means, where
    the sentence itself does not ("…,” he said."; "He also warned …").
    """

    independent_support: int
    speaker: str | None = None


@dataclass(frozen=True, slots=True)
class Fact(CitedLine):
    """A claim stated by more than one article, with its independent support.

    ``speaker`` as for :class:`SummaryLine`.
    """

    independent_support: int
    speaker: str | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """One place an entity is named: ``text`` as written in sentence ``sentence`` of ``article``."""

    article: str
    sentence: int
    text: str
    label: str


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, organisation or place of a story, with its spellings across sources.

    ``type`` is decided by voting over the mentions' NER labels; ``variants``
    are the spellings that differ from ``name`` (short forms excluded).
    """

    id: str
    name: str
    type: str
    variants: tuple[str, ...]
    mentions: tuple[Mention, ...]
    titles: tuple[str, ...] = ()

    @property
    def articles(self) -> list[str]:
        return list(dict.fromkeys(m.article for m in self.mentions))


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quote in one article, with the speaker its context credits.

    ``parts`` are the quoted pieces as written (a quote broken by "he said"
    has several); ``speaker`` is the expression naming who said it ("Wang",
    "the Chinese president", "she"), ``speaker_entity`` the id of the story
    entity it resolves to, and ``candidates`` the entities it might be when it
    is ambiguous.
    """

    article: str
    sentence: int
    parts: tuple[str, ...]
    speaker: str | None = None
    speaker_entity: str | None = None
    candidates: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return " … ".join(self.parts)


@dataclass(frozen=True, slots=True)
class QuoteGroup:
    """The same quote across sources: its wordings and who each source credits."""

    id: str
    quotes: tuple[Quote, ...]
    text: str
    speaker: str | None
    speakers: tuple[str, ...]

    @property
    def articles(self) -> list[str]:
        return list(dict.fromkeys(q.article for q in self.quotes))


@dataclass(frozen=True, slots=True)
class Figure:
    """A number as a source states it, with its unit, qualifier and range.

    ``low``/``high`` bound what the statement allows ("more than 230" is
    230 to infinity, "about 5.5 hours" 4.95 to 6.05); amounts are in the base
    unit of ``unit`` (hours for durations, units for money and counts).
    """

    article: str
    sentence: int
    text: str
    kind: str
    unit: str
    value: float
    qualifier: str
    low: float
    high: float

    def agrees_with(self, other: Figure) -> bool:
        """True when the two statements can both be true (their ranges meet)."""
        return self.unit == other.unit and self.low <= other.high and other.low <= self.high


@dataclass(frozen=True, slots=True)
class ConflictValue:
    """One side of a conflict: what some sources say, and where."""

    value: str
    citations: tuple[str, ...]
    evidence: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Conflict:
    """Sources that disagree: ``kind`` is figure, attribution, name or wording."""

    kind: str
    about: str
    values: tuple[ConflictValue, ...]


@dataclass(frozen=True, slots=True)
class UniqueDetail(CitedLine):
    """A claim that only one source group reports."""


@dataclass(slots=True)
class Story:
    """A group of articles about one event."""

    id: str
    article_ids: list[str]
    title: str = ""
    independent_sources: int = 0
    source_groups: list[list[str]] = field(default_factory=list)
    first_published: datetime | None = None
    last_published: datetime | None = None
    decisions: list[str] = field(default_factory=list)
    """Why the clusterer's second look kept it apart, split it or chose it (latest last)."""


@dataclass(frozen=True, slots=True)
class RankedLine:
    """A summary line with its place: ``position`` 0 (lead) to 1 (end of the articles)."""

    line: SummaryLine
    position: float


@dataclass(slots=True)
class Digest:
    """The cited digest of one story."""

    story: Story
    summary: list[SummaryLine]
    facts: list[Fact]
    claims: list[ClaimGroup] = field(default_factory=list)
    quotes: list[QuoteGroup] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    unique: list[UniqueDetail] = field(default_factory=list)
    ranking: list[RankedLine] = field(default_factory=list)
    """Every non-redundant line in rank order, without a budget; only where asked for."""


@dataclass(frozen=True, slots=True)
class StoryListing:
    """A line of the story list, with what the web list filters on.

    ``conflicts`` is known only once the story's report has been computed
    (the web server fills it in from its cache); ``None`` until then.
    """

    id: str
    title: str
    articles: int
    independent_sources: int
    first_published: str | None
    last_published: str | None
    languages: list[str] = field(default_factory=list)
    conflicts: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "articles": self.articles,
            "independent_sources": self.independent_sources,
            "first_published": self.first_published,
            "last_published": self.last_published,
            "languages": self.languages,
            "conflicts": self.conflicts,
        }


@dataclass(frozen=True, slots=True)
class Failure:
    """An input that could not be processed, and why."""

    input: str
    reason: str


@dataclass(frozen=True, slots=True)
class Skip:
    """An input that was deliberately not processed, and why."""

    input: str
    reason: str


@dataclass(frozen=True, slots=True)
class Feed:
    """A followed RSS/Atom feed and how its polls went (kept in the store, so a restart resumes).

    ``etag`` and ``last_modified`` are the validators of the last poll whose
    entries were all handled (a poll cut short keeps the previous ones, so
    its entries are offered again); ``errors`` counts the polls that failed
    in a row, ``last_error`` says why the last one failed; ``articles`` counts
    what the feed brought in over all polls and ``last_new`` what its last
    poll brought.
    """

    url: str
    added: datetime
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_polled: datetime | None = None
    next_poll: datetime | None = None
    last_status: str | None = None
    last_error: str | None = None
    errors: int = 0
    polls: int = 0
    articles: int = 0
    last_new: int = 0

    @property
    def healthy(self) -> bool:
        """True unless its last poll failed."""
        return self.errors == 0


@dataclass(frozen=True, slots=True)
class FetchFailure:
    """A URL that could not be fetched, when, why, and how often it was tried."""

    url: str
    reason: str
    at: datetime
    feed: str | None = None
    attempts: int = 1


def derived_article_id(text: str, url: str | None = None) -> str:
    """A stable id for an input that has none: from its body (and URL, if any)."""
    key = normalise_for_hash(text) + "\0" + (url or "")
    return "a" + hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()


def normalise_for_hash(text: str) -> str:
    """Case-, quote- and whitespace-insensitive form of ``text`` for hashing."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate(_QUOTE_DASH_TABLE)
    return " ".join(text.split())


def content_hash(text: str) -> str:
    return hashlib.blake2b(normalise_for_hash(text).encode("utf-8"), digest_size=16).hexdigest()


_QUOTE_DASH_TABLE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)
