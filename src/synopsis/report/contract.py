"""The report: everything one run found, and its JSON contract ``synopsis.report/1``.

The contract is documented in ``docs/report-schema.md``. Fields may be added in
later versions; none is ever renamed or removed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..records import Fact, SummaryLine
from ..version import __version__
from .html import render_html
from .markdown import render_markdown

if TYPE_CHECKING:  # the records this module turns into the contract's dictionaries
    from ..records import (
        Article,
        Citation,
        CitedLine,
        Conflict,
        CopyLink,
        Digest,
        Entity,
        Failure,
        Figure,
        QuoteGroup,
        Skip,
    )

SCHEMA = "synopsis.report/1"


@dataclass(slots=True)
class Report:
    """The result of a run: articles, copy links, story digests and what failed."""

    articles: list[Article] = field(default_factory=list)
    copies: list[CopyLink] = field(default_factory=list)
    digests: list[Digest] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every input was processed (none failed)."""
        return not self.failures

    def article(self, article_id: str) -> Article:
        for article in self.articles:
            if article.id == article_id:
                return article
        raise KeyError(article_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "generator": f"synopsis {__version__}",
            "articles": [article_to_dict(a) for a in self.articles],
            "copies": [copy_to_dict(c) for c in self.copies],
            "stories": [digest_to_dict(d) for d in self.digests],
            "failures": [{"input": f.input, "reason": f.reason} for f in self.failures],
            "skipped": [{"input": s.input, "reason": s.reason} for s in self.skipped],
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_markdown(self) -> str:
        return render_markdown(self.to_dict())

    def to_html(self) -> str:
        return render_html(self.to_dict())


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def article_to_dict(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "path": article.path,
        "url": article.url,
        "outlet": article.outlet,
        "title": article.title,
        "published": _iso(article.published),
        "language": article.language,
        "text": article.text,
        "removed": [{"kind": str(r.kind), "text": r.text} for r in article.removed],
        "quality": [
            {"kind": str(q.kind), "count": q.count, "evidence": list(q.evidence)}
            for q in article.quality
        ],
        "metadata": article.metadata,
    }


def copy_to_dict(link: CopyLink) -> dict[str, Any]:
    return {
        "a": link.a,
        "b": link.b,
        "kind": str(link.kind),
        "score": round(link.score, 4),
        "origin": link.origin,
        "evidence": [p.to_dict() for p in link.evidence],
    }


def _evidence(evidence: tuple[Citation, ...]) -> list[dict[str, Any]]:
    return [{"article": c.article, "sentence": c.sentence, "text": c.text} for c in evidence]


def line_to_dict(line: CitedLine) -> dict[str, Any]:
    """A summary line, a fact or a unique detail: one cited-sentence shape in the contract.

    ``independent_support`` (between ``citations`` and ``evidence``) and
    ``speaker`` (last) are there for the lines that have them: summary lines
    and facts, not unique details.
    """
    shape: dict[str, Any] = {
        "text": line.text,
        "article": line.article,
        "sentence": line.sentence,
        "citations": list(line.citations),
    }
    if isinstance(line, SummaryLine | Fact):
        shape["independent_support"] = line.independent_support
    shape["evidence"] = _evidence(line.evidence)
    if isinstance(line, SummaryLine | Fact):
        shape["speaker"] = line.speaker
    return shape


def digest_to_dict(digest: Digest) -> dict[str, Any]:
    story = digest.story
    return {
        "id": story.id,
        "title": story.title,
        "articles": list(story.article_ids),
        "independent_sources": story.independent_sources,
        "source_groups": [list(g) for g in story.source_groups],
        "first_published": _iso(story.first_published),
        "last_published": _iso(story.last_published),
        "decisions": list(story.decisions),
        "summary": [line_to_dict(line) for line in digest.summary],
        "facts": [line_to_dict(fact) for fact in digest.facts],
        **comparison_to_dict(digest),
    }


def comparison_to_dict(digest: Digest) -> dict[str, Any]:
    """A story's quotes, entities, figures, conflicts and unique details."""
    return {
        "quotes": [quote_group_to_dict(g, digest) for g in digest.quotes],
        "entities": [entity_to_dict(e) for e in digest.entities],
        "figures": figures_to_dicts(digest.figures),
        "conflicts": [conflict_to_dict(c) for c in digest.conflicts],
        "unique": [line_to_dict(u) for u in digest.unique],
    }


def quote_group_to_dict(group: QuoteGroup, digest: Digest) -> dict[str, Any]:
    names = {e.id: e.name for e in digest.entities}
    return {
        "id": group.id,
        "text": group.text,
        "speaker": group.speaker,
        "speakers": list(group.speakers),
        "citations": group.articles,
        "variants": [
            {
                "text": q.text,
                "parts": list(q.parts),
                "article": q.article,
                "sentence": q.sentence,
                "speaker": names.get(q.speaker_entity or "", q.speaker),
                "speaker_as_written": q.speaker,
                "speaker_entity": q.speaker_entity,
                "candidates": [names.get(c, c) for c in q.candidates],
            }
            for q in group.quotes
        ],
    }


def entity_to_dict(entity: Entity) -> dict[str, Any]:
    return {
        "id": entity.id,
        "name": entity.name,
        "type": entity.type,
        "variants": list(entity.variants),
        "titles": list(entity.titles),
        "mentions": len(entity.mentions),
        "citations": entity.articles,
    }


def figures_to_dicts(figures: list[Figure]) -> list[dict[str, Any]]:
    """Figures grouped by what they state (kind, unit, value, qualifier), with their sources."""
    grouped: dict[tuple[str, str, float, str], list[Figure]] = {}
    for figure in figures:
        grouped.setdefault((figure.kind, figure.unit, figure.value, figure.qualifier), []).append(
            figure
        )
    return [
        {
            "value": same[0].text,
            "kind": kind,
            "unit": unit,
            "amount": amount,
            "qualifier": qualifier,
            "low": same[0].low,
            "high": same[0].high if same[0].high != float("inf") else None,
            "citations": list(dict.fromkeys(f.article for f in same)),
            "evidence": [
                {"article": f.article, "sentence": f.sentence, "as_written": f.text} for f in same
            ],
        }
        for (kind, unit, amount, qualifier), same in grouped.items()
    ]


def conflict_to_dict(conflict: Conflict) -> dict[str, Any]:
    return {
        "kind": conflict.kind,
        "about": conflict.about,
        "values": [
            {"value": v.value, "citations": list(v.citations), "evidence": _evidence(v.evidence)}
            for v in conflict.values
        ],
    }
