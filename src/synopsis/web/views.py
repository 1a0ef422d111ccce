"""View records for the web pages, built from a story's cached report.

The story page reuses the HTML report's view of a story
(:func:`synopsis.report.html.story_view`: citation numbering, evidence, copy
graph geometry, quotes/entities/figures/unique and conflicts); this module adds
what only the web shows: a coverage timeline, sections the report gained that
no template knows yet, the side-by-side reader and the article page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..records import Article
from ..report.html import (
    EXTRA_SECTIONS,
    StoryView,
    article_label,
    display_time,
    safe_href,
    story_view,
)
from .service import StoryData

KNOWN_STORY_KEYS = frozenset(
    {
        "id",
        "title",
        "articles",
        "independent_sources",
        "source_groups",
        "first_published",
        "last_published",
        "summary",
        "facts",
        "conflicts",
        *(key for key, _ in EXTRA_SECTIONS),
    }
)
GOLDEN_ANGLE = 137.508  # degrees: successive claim colours stay far apart on the colour wheel


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    number: int
    label: str
    published: str
    position: float  # percent along the story's time span


@dataclass(frozen=True, slots=True)
class GenericSection:
    """A story section the templates do not know by name, shown as labelled lines."""

    key: str
    title: str
    lines: list[str]


@dataclass(frozen=True, slots=True)
class StoryPage:
    story: StoryView
    timeline: list[TimelinePoint]
    generic: list[GenericSection]
    copy_evidence: list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of an article's text in the reader: a sentence or the gap before one."""

    text: str
    sentence: int | None = None
    claim: int | None = None  # colour number, when shown articles share the claim
    hue: int | None = None
    unique: bool = False
    paragraph_break: bool = False


@dataclass(frozen=True, slots=True)
class Column:
    id: str
    number: int
    label: str
    title: str | None
    href: str | None
    url: str | None
    published: str | None
    language: str | None
    segments: list[Segment]
    removed: list[dict[str, Any]]
    shared: int
    unique: int


@dataclass(frozen=True, slots=True)
class ReaderPage:
    story_id: str
    title: str
    choices: list[tuple[str, int, str, bool]]  # id, number, label, shown
    columns: list[Column]
    shared_claims: int


@dataclass(frozen=True, slots=True)
class AuditItem:
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class ArticlePage:
    id: str
    label: str
    title: str | None
    outlet: str | None
    url: str | None
    href: str | None
    published: str | None
    language: str | None
    source: str
    paragraphs: list[str]
    raw_text: str
    removed: list[AuditItem]
    metadata: list[tuple[str, str]] = field(default_factory=list)
    story_id: str | None = None
    story_title: str | None = None


def story_page(data: StoryData) -> StoryPage:
    story = data.story
    articles = data.articles
    copies = list(data.report.get("copies", []))
    view = story_view(1, story, articles, copies)
    evidence = [
        (
            f"{article_label(articles.get(str(c['a'])), str(c['a']))} ↔ "
            f"{article_label(articles.get(str(c['b'])), str(c['b']))}",
            _plain(c["evidence"]),
        )
        for c in copies
        if c.get("evidence")
    ]
    return StoryPage(
        story=view,
        timeline=timeline(view),
        generic=generic_sections(story),
        copy_evidence=evidence,
    )


def timeline(view: StoryView) -> list[TimelinePoint]:
    """Each dated article placed along the story's time span."""
    dated: list[tuple[int, str, datetime]] = []
    for article in view.articles:
        moment = _parse(article.published_iso)
        if moment is not None and article.number is not None:
            dated.append((article.number, article.label, moment))
    if not dated:
        return []
    start = min(m for _, _, m in dated)
    span = (max(m for _, _, m in dated) - start).total_seconds()
    return [
        TimelinePoint(
            number=number,
            label=label,
            published=display_time(moment.isoformat()) or "",
            position=round(100 * (moment - start).total_seconds() / span, 1) if span else 50.0,
        )
        for number, label, moment in sorted(dated, key=lambda d: (d[2], d[0]))
    ]


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def generic_sections(story: Mapping[str, Any]) -> list[GenericSection]:
    """Sections of the story this page has no layout for yet, as plain lines."""
    sections = []
    for key, value in story.items():
        if key in KNOWN_STORY_KEYS or not value or not isinstance(value, list | dict):
            continue
        items = value if isinstance(value, list) else [{k: v} for k, v in value.items()]
        sections.append(
            GenericSection(
                key=key,
                title=key.replace("_", " ").capitalize(),
                lines=[_plain(item) for item in items],
            )
        )
    return sections


def _plain(value: Any) -> str:
    """A readable one-line form of a JSON value (the template escapes it)."""
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items() if v not in (None, ""))
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    return str(value)


def reader_page(data: StoryData, wanted: Sequence[str], default_columns: int = 3) -> ReaderPage:
    """Articles of a story side by side, sentences of one claim coloured alike."""
    story = data.story
    articles = data.articles
    ids = [str(a) for a in story.get("articles", []) if str(a) in data.sentences]
    numbers = {aid: n for n, aid in enumerate(ids, start=1)}
    shown = [aid for aid in dict.fromkeys(wanted) if aid in numbers]
    if len(shown) < 2:
        shown = ids[:default_columns]
    shown_set = set(shown)
    claim_of: dict[tuple[str, int], int] = {}
    sizes: dict[int, int] = {}
    colour: dict[int, int] = {}
    for group_number, members in enumerate(data.claims):
        for member in members:
            claim_of[member] = group_number
        sizes[group_number] = len(members)
        if len({a for a, _ in members if a in shown_set}) >= 2:
            colour[group_number] = len(colour) + 1
    columns = []
    for aid in shown:
        article = articles.get(aid, {})
        text = str(article.get("text", ""))
        segments: list[Segment] = []
        cursor = 0
        shared = unique = 0
        for index, (start, end) in enumerate(data.sentences.get(aid, [])):
            gap = text[cursor:start]
            if gap:
                segments.append(Segment(text=gap, paragraph_break="\n" in gap))
            group = claim_of.get((aid, index))
            number = colour.get(group) if group is not None else None
            is_unique = group is not None and sizes.get(group) == 1
            shared += number is not None
            unique += is_unique
            segments.append(
                Segment(
                    text=text[start:end],
                    sentence=index,
                    claim=number,
                    hue=round((number * GOLDEN_ANGLE) % 360) if number is not None else None,
                    unique=is_unique,
                )
            )
            cursor = end
        if text[cursor:]:
            segments.append(Segment(text=text[cursor:]))
        url = article.get("url")
        columns.append(
            Column(
                id=aid,
                number=numbers[aid],
                label=article_label(article or None, aid),
                title=article.get("title"),
                href=safe_href(url),
                url=url,
                published=display_time(article.get("published")),
                language=article.get("language"),
                segments=segments,
                removed=list(article.get("removed", [])),
                shared=shared,
                unique=unique,
            )
        )
    return ReaderPage(
        story_id=data.id,
        title=str(story.get("title") or data.id),
        choices=[
            (aid, numbers[aid], article_label(articles.get(aid), aid), aid in shown_set)
            for aid in ids
        ],
        columns=columns,
        shared_claims=len(colour),
    )


def article_page(
    article: Article, story_id: str | None = None, story_title: str | None = None
) -> ArticlePage:
    return ArticlePage(
        id=article.id,
        label=article.label,
        title=article.title,
        outlet=article.outlet,
        url=article.url,
        href=safe_href(article.url),
        published=display_time(article.published.isoformat()) if article.published else None,
        language=article.language,
        source=article.source,
        paragraphs=[p for p in article.text.split("\n\n") if p.strip()] or [article.text],
        raw_text=article.raw_text,
        removed=[AuditItem(kind=str(r.kind), text=r.text) for r in article.removed],
        metadata=[(str(k), _plain(v)) for k, v in sorted(article.metadata.items())],
        story_id=story_id,
        story_title=story_title,
    )
