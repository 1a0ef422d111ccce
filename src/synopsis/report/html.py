"""The report as one self-contained HTML page.

The page is built from :meth:`Report.to_dict` (the ``synopsis.report/1`` JSON
contract), so the HTML and the JSON always say the same thing. This module turns
that dictionary into small view records (citation markers numbered per story,
copy-graph geometry, readable times); the Jinja2 template
``templates/report.html.j2`` lays them out with inline CSS and a little inline
JavaScript. Autoescaping is on: every piece of article content is escaped, and
only ``http://`` / ``https://`` URLs ever become links.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from .layout import SHOWN_FACTS

TEMPLATE = "report.html.j2"

KIND_COLOURS: Mapping[str, str] = {
    "exact": "#b42318",
    "near-duplicate": "#c4620a",
    "rewrite": "#7a3fa0",
    "translation": "#1f6fb2",
}
KIND_LABELS: Mapping[str, str] = {
    "exact": "exact copy",
    "near-duplicate": "near-duplicate",
    "rewrite": "rewrite",
    "translation": "translation",
}
OTHER_COLOUR = "#667085"

GRAPH_SIZE = 340
GRAPH_MARGIN = 34

EXTRA_SECTIONS: Sequence[tuple[str, str]] = (
    ("quotes", "Quotes"),
    ("entities", "Entities"),
    ("figures", "Figures"),
    ("unique", "Reported by one source only"),
)


# --------------------------------------------------------------------------- views


@dataclass(frozen=True, slots=True)
class Ref:
    """A citation marker: an article and its number within the story."""

    article: str
    number: int | None
    label: str

    @property
    def marker(self) -> str:
        return f"[{self.number}]" if self.number is not None else f"[{self.article}]"


@dataclass(frozen=True, slots=True)
class EvidenceView:
    ref: Ref
    sentence: int
    text: str
    title: str | None


@dataclass(frozen=True, slots=True)
class LineView:
    dom_id: str
    text: str
    refs: list[Ref]
    evidence: list[EvidenceView]
    independent_support: int
    speaker: str | None = None


@dataclass(frozen=True, slots=True)
class FactView:
    text: str
    refs: list[Ref]
    independent_support: int
    speaker: str | None = None


@dataclass(frozen=True, slots=True)
class CopyNote:
    """One copy link as seen from one article: ``before [n] after``."""

    kind: str
    colour: str
    before: str
    ref: Ref
    after: str
    passages: list[PassageView] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PassageView:
    """One aligned sentence pair of a copy link, seen from one article: ours, theirs."""

    ours: str
    theirs: str
    similarity: str


@dataclass(frozen=True, slots=True)
class ArticleView:
    id: str
    number: int | None
    label: str
    outlet: str | None
    title: str | None
    url: str | None
    href: str | None
    path: str | None
    published: str | None
    published_iso: str | None
    language: str | None
    removed: list[dict[str, Any]]
    quality: list[dict[str, Any]] = field(default_factory=list)
    copies: list[CopyNote] = field(default_factory=list)
    group: int | None = None
    group_size: int = 1
    group_refs: list[Ref] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class NodeView:
    number: int
    x: float
    y: float
    label: str


@dataclass(frozen=True, slots=True)
class EdgeView:
    x1: float
    y1: float
    x2: float
    y2: float
    label_x: float
    label_y: float
    kind: str
    colour: str
    marker: str | None
    title: str


@dataclass(frozen=True, slots=True)
class KindView:
    kind: str
    label: str
    colour: str
    marker: str


@dataclass(frozen=True, slots=True)
class GraphView:
    size: int
    node_radius: float
    nodes: list[NodeView]
    edges: list[EdgeView]
    kinds: list[KindView]


@dataclass(frozen=True, slots=True)
class ExtraItem:
    text: str
    detail: str | None
    refs: list[Ref]


@dataclass(frozen=True, slots=True)
class ExtraSection:
    key: str
    title: str
    items: list[ExtraItem]


@dataclass(frozen=True, slots=True)
class ConflictValue:
    value: str
    refs: list[Ref]


@dataclass(frozen=True, slots=True)
class ConflictView:
    kind: str
    about: str
    values: list[ConflictValue]


@dataclass(frozen=True, slots=True)
class StoryView:
    id: str
    index: int
    title: str
    article_count: int
    independent_sources: int
    first_published: str | None
    first_published_iso: str | None
    last_published: str | None
    last_published_iso: str | None
    languages: list[str]
    decisions: list[str]
    summary: list[LineView]
    facts: list[FactView]
    """The first facts (``SHOWN_FACTS``); ``more_facts`` are the rest, folded away."""
    more_facts: list[FactView]
    articles: list[ArticleView]
    graph: GraphView
    extras: list[ExtraSection]
    conflicts: list[ConflictView]


# ------------------------------------------------------------------------ helpers


def safe_href(url: str | None) -> str | None:
    """``url`` if it is an http(s) URL, else ``None`` (never a ``javascript:`` link)."""
    if not url:
        return None
    candidate = url.strip()
    if candidate.lower().startswith(("http://", "https://")):
        return candidate
    return None


def display_time(value: str | None) -> str | None:
    """An ISO timestamp as ``YYYY-MM-DD HH:MM`` (with its zone), or as given."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    text = moment.strftime("%Y-%m-%d %H:%M")
    zone = moment.tzname()
    return f"{text} {zone}" if zone else text


def plural(count: int, word: str) -> str:
    """``"1 article"``, ``"3 articles"``."""
    return f"{count} {word if count == 1 else word + 's'}"


def kind_colour(kind: str) -> str:
    return KIND_COLOURS.get(kind, OTHER_COLOUR)


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def article_label(article: Mapping[str, Any] | None, article_id: str) -> str:
    """The outlet, else the title, else the id (as :attr:`Article.label`)."""
    if article is None:
        return article_id
    return str(article.get("outlet") or article.get("title") or article_id)


def citation_ids(citations: Iterable[Any]) -> list[str]:
    """Article ids from citations given as ids or as ``{"article": id, ...}``."""
    ids: list[str] = []
    for citation in citations:
        if isinstance(citation, Mapping):
            article = citation.get("article")
            if article is not None:
                ids.append(str(article))
        else:
            ids.append(str(citation))
    return list(dict.fromkeys(ids))


class _Numbering:
    """Citation markers of one story: articles numbered by their place in the story."""

    def __init__(
        self, article_ids: Sequence[str], articles: Mapping[str, Mapping[str, Any]]
    ) -> None:
        self._numbers = {aid: n for n, aid in enumerate(article_ids, start=1)}
        self._articles = articles

    def ref(self, article_id: str) -> Ref:
        return Ref(
            article=article_id,
            number=self._numbers.get(article_id),
            label=article_label(self._articles.get(article_id), article_id),
        )

    def refs(self, citations: Iterable[Any]) -> list[Ref]:
        refs = [self.ref(aid) for aid in citation_ids(citations)]
        return sorted(refs, key=lambda r: (r.number is None, r.number or 0))


def _line_view(
    line: Mapping[str, Any],
    dom_id: str,
    numbering: _Numbering,
    articles: Mapping[str, Mapping[str, Any]],
) -> LineView:
    evidence = [
        EvidenceView(
            ref=numbering.ref(str(item["article"])),
            sentence=int(item.get("sentence", 0)),
            text=str(item.get("text", "")),
            title=(articles.get(str(item["article"])) or {}).get("title"),
        )
        for item in line.get("evidence", [])
    ]
    evidence.sort(key=lambda e: (e.ref.number is None, e.ref.number or 0))
    return LineView(
        dom_id=dom_id,
        text=str(line.get("text", "")),
        refs=numbering.refs(line.get("citations", [])),
        evidence=evidence,
        independent_support=int(line.get("independent_support", 0)),
        speaker=_optional_text(line.get("speaker")),
    )


def _optional_text(value: Any) -> str | None:
    return str(value) if value else None


def _copy_note(link: Mapping[str, Any], this: str, numbering: _Numbering) -> CopyNote:
    kind = str(link.get("kind", ""))
    other = str(link["b"] if link["a"] == this else link["a"])
    origin = link.get("origin")
    score = f"{float(link.get('score', 0.0)):.2f}"
    label = kind_label(kind)
    if origin == this:
        before, after = "copied by", f"as {label} ({score})"
    elif origin == other:
        before, after = f"{label} of", f"({score}), which is likely the original"
    else:
        before, after = f"{label} of", f"({score})"
    ours, theirs = ("a_text", "b_text") if link["a"] == this else ("b_text", "a_text")
    passages = [
        PassageView(
            str(p.get(ours, "")), str(p.get(theirs, "")), f"{float(p.get('similarity', 0)):.2f}"
        )
        for p in link.get("evidence", [])
    ]
    return CopyNote(kind, kind_colour(kind), before, numbering.ref(other), after, passages)


def _article_view(
    article_id: str,
    number: int | None,
    articles: Mapping[str, Mapping[str, Any]],
) -> ArticleView:
    article = articles.get(article_id) or {}
    url = article.get("url")
    return ArticleView(
        id=article_id,
        number=number,
        label=article_label(article or None, article_id),
        outlet=article.get("outlet"),
        title=article.get("title"),
        url=url,
        href=safe_href(url),
        path=article.get("path"),
        published=display_time(article.get("published")),
        published_iso=article.get("published"),
        language=article.get("language"),
        removed=list(article.get("removed", [])),
        quality=list(article.get("quality", [])),
    )


def _story_articles(
    story: Mapping[str, Any],
    articles: Mapping[str, Mapping[str, Any]],
    copies: Sequence[Mapping[str, Any]],
    numbering: _Numbering,
) -> list[ArticleView]:
    ids = [str(aid) for aid in story.get("articles", [])]
    groups = [[str(aid) for aid in group] for group in story.get("source_groups", [])]
    views: list[ArticleView] = []
    for number, aid in enumerate(ids, start=1):
        view = _article_view(aid, number, articles)
        notes = [_copy_note(c, aid, numbering) for c in copies if aid in (c["a"], c["b"])]
        index, group = next(((i, g) for i, g in enumerate(groups, start=1) if aid in g), (None, []))
        views.append(
            replace(
                view,
                copies=notes,
                group=index,
                group_size=max(1, len(group)),
                group_refs=[numbering.ref(other) for other in group if other != aid],
            )
        )
    return views


def circle_layout(
    count: int, size: int = GRAPH_SIZE, margin: int = GRAPH_MARGIN
) -> list[tuple[float, float]]:
    """``count`` points evenly on a circle inside a ``size`` square, first at the top."""
    centre = size / 2
    if count == 1:
        return [(centre, centre)]
    radius = centre - margin
    points = []
    for i in range(count):
        angle = -math.pi / 2 + 2 * math.pi * i / count
        points.append(
            (
                round(centre + radius * math.cos(angle), 1),
                round(centre + radius * math.sin(angle), 1),
            )
        )
    return points


def node_radius(count: int, size: int = GRAPH_SIZE, margin: int = GRAPH_MARGIN) -> float:
    """A node radius that keeps ``count`` nodes on the layout circle apart."""
    if count <= 1:
        return 16.0
    spacing = 2 * math.pi * (size / 2 - margin) / count
    return round(max(5.0, min(16.0, spacing / 2.6)), 1)


def _shorten(
    start: tuple[float, float], end: tuple[float, float], by_start: float, by_end: float
) -> tuple[float, float, float, float]:
    """The segment ``start``→``end`` with ``by_start``/``by_end`` cut off its ends."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    return (
        round(start[0] + ux * by_start, 1),
        round(start[1] + uy * by_start, 1),
        round(end[0] - ux * by_end, 1),
        round(end[1] - uy * by_end, 1),
    )


def copy_graph(
    story_index: int,
    article_ids: Sequence[str],
    links: Sequence[Mapping[str, Any]],
    numbering: _Numbering,
) -> GraphView:
    """Geometry of a story's copy graph: articles on a circle, copy links as edges."""
    points = circle_layout(len(article_ids)) if article_ids else []
    radius = node_radius(len(article_ids))
    position = dict(zip(article_ids, points, strict=True))
    nodes = [
        NodeView(number=n, x=x, y=y, label=numbering.ref(aid).label)
        for n, (aid, (x, y)) in enumerate(zip(article_ids, points, strict=True), start=1)
    ]
    kinds: dict[str, KindView] = {}
    edges: list[EdgeView] = []
    for link in links:
        a, b = str(link["a"]), str(link["b"])
        if a not in position or b not in position or a == b:
            continue
        kind = str(link.get("kind", ""))
        if kind not in kinds:
            kinds[kind] = KindView(
                kind=kind,
                label=kind_label(kind),
                colour=kind_colour(kind),
                marker=f"arrow-{story_index}-{len(kinds) + 1}",
            )
        origin = link.get("origin")
        directed = origin in (a, b)
        source, target = (b, a) if origin == b else (a, b)
        x1, y1, x2, y2 = _shorten(
            position[source], position[target], radius + 1, radius + (4 if directed else 1)
        )
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        offset = 7.0
        label_x = round(mx - (y2 - y1) / length * offset, 1)
        label_y = round(my + (x2 - x1) / length * offset, 1)
        s_ref, t_ref = numbering.ref(source), numbering.ref(target)
        score = f"{float(link.get('score', 0.0)):.2f}"
        if directed:
            title = f"{t_ref.marker} copies {s_ref.marker}: {kind_label(kind)} ({score})"
        else:
            title = f"{s_ref.marker} and {t_ref.marker}: {kind_label(kind)} ({score})"
        edges.append(
            EdgeView(
                x1=x1,
                y1=y1,
                x2=x2,
                y2=y2,
                label_x=label_x,
                label_y=label_y,
                kind=kind,
                colour=kind_colour(kind),
                marker=kinds[kind].marker if directed else None,
                title=title,
            )
        )
    order = list(KIND_COLOURS)
    legend = sorted(
        kinds.values(), key=lambda k: order.index(k.kind) if k.kind in order else len(order)
    )
    return GraphView(size=GRAPH_SIZE, node_radius=radius, nodes=nodes, edges=edges, kinds=legend)


def _item_text(item: Any) -> tuple[str, str | None]:
    """Main text and an optional detail of a generic section item."""
    if not isinstance(item, Mapping):
        return str(item), None
    text = next((item[k] for k in ("text", "name", "value") if item.get(k) is not None), "")
    detail = next((item[k] for k in ("speaker", "type", "kind", "unit") if item.get(k)), None)
    return str(text), (str(detail) if detail is not None else None)


def _extras(story: Mapping[str, Any], numbering: _Numbering) -> list[ExtraSection]:
    sections: list[ExtraSection] = []
    for key, title in EXTRA_SECTIONS:
        items = story.get(key)
        if not items:
            continue
        views = []
        for item in items:
            text, detail = _item_text(item)
            citations = item.get("citations", []) if isinstance(item, Mapping) else []
            views.append(ExtraItem(text=text, detail=detail, refs=numbering.refs(citations)))
        sections.append(ExtraSection(key=key, title=title, items=views))
    return sections


def _conflicts(story: Mapping[str, Any], numbering: _Numbering) -> list[ConflictView]:
    return [
        ConflictView(
            kind=str(conflict.get("kind", "")),
            about=str(conflict.get("about", "")),
            values=[
                ConflictValue(
                    value=str(value.get("value", "")),
                    refs=numbering.refs(value.get("citations", [])),
                )
                for value in conflict.get("values", [])
            ],
        )
        for conflict in story.get("conflicts") or []
    ]


def story_view(
    index: int,
    story: Mapping[str, Any],
    articles: Mapping[str, Mapping[str, Any]],
    copies: Sequence[Mapping[str, Any]],
) -> StoryView:
    """Everything the template needs to lay out one story."""
    ids = [str(aid) for aid in story.get("articles", [])]
    numbering = _Numbering(ids, articles)
    members = set(ids)
    story_copies = [c for c in copies if c["a"] in members or c["b"] in members]
    languages = [
        str(lang)
        for lang in dict.fromkeys((articles.get(aid) or {}).get("language") for aid in ids)
        if lang
    ]
    story_id = str(story.get("id", index))
    facts = [
        FactView(
            text=str(fact.get("text", "")),
            refs=numbering.refs(fact.get("citations", [])),
            independent_support=int(fact.get("independent_support", 0)),
            speaker=_optional_text(fact.get("speaker")),
        )
        for fact in story.get("facts", [])
    ]
    return StoryView(
        id=story_id,
        index=index,
        title=str(story.get("title") or f"Story {story_id}"),
        article_count=len(ids),
        independent_sources=int(story.get("independent_sources", 0)),
        first_published=display_time(story.get("first_published")),
        first_published_iso=story.get("first_published"),
        last_published=display_time(story.get("last_published")),
        last_published_iso=story.get("last_published"),
        languages=languages,
        decisions=[str(d) for d in story.get("decisions", [])],
        summary=[
            _line_view(line, f"s{index}-l{n}", numbering, articles)
            for n, line in enumerate(story.get("summary", []), start=1)
        ],
        facts=facts[:SHOWN_FACTS],
        more_facts=facts[SHOWN_FACTS:],
        articles=_story_articles(story, articles, story_copies, numbering),
        graph=copy_graph(index, ids, story_copies, numbering),
        extras=_extras(story, numbering),
        conflicts=_conflicts(story, numbering),
    )


def page_context(data: Mapping[str, Any]) -> dict[str, Any]:
    """The template context for a report dictionary (``synopsis.report/1``)."""
    article_list: list[Mapping[str, Any]] = list(data.get("articles", []))
    articles = {str(a["id"]): a for a in article_list}
    copies: list[Mapping[str, Any]] = list(data.get("copies", []))
    stories = [
        story_view(index, story, articles, copies)
        for index, story in enumerate(data.get("stories", []), start=1)
    ]
    in_story = {aid for story in stories for aid in (a.id for a in story.articles)}
    unassigned = [
        _article_view(str(a["id"]), None, articles) for a in article_list if a["id"] not in in_story
    ]
    return {
        "schema": data.get("schema"),
        "generator": data.get("generator"),
        "counts": {
            "articles": len(article_list),
            "stories": len(stories),
            "copies": len(copies),
            "failures": len(data.get("failures", [])),
            "skipped": len(data.get("skipped", [])),
        },
        "stories": stories,
        "unassigned": unassigned,
        "failures": list(data.get("failures", [])),
        "skipped": list(data.get("skipped", [])),
    }


TemplateFilters = tuple[tuple[str, Callable[[Any], str]], ...]


@lru_cache(maxsize=4)
def environment(filters: TemplateFilters = ()) -> Environment:
    """The Jinja2 environment of synopsis's templates (autoescaping on), built once.

    ``filters`` adds named filters (the web pages add theirs); each distinct
    set gets its own environment, so no caller changes another's.
    """
    env = Environment(
        loader=PackageLoader("synopsis", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["plural"] = plural
    env.filters.update(dict(filters))
    return env


def render_html(data: Mapping[str, Any]) -> str:
    """The report (its ``synopsis.report/1`` dict) as one self-contained HTML page.

    Inline CSS and JS, nothing fetched.
    """
    return environment().get_template(TEMPLATE).render(page_context(data))
