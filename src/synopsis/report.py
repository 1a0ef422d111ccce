"""The report: everything one run found, and its JSON contract ``synopsis.report/1``.

The contract is documented in ``docs/report-schema.md``. Fields may be added in
later versions; none is ever renamed or removed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import __version__
from .records import (
    Article,
    Citation,
    CopyLink,
    Digest,
    Fact,
    Failure,
    Skip,
    SummaryLine,
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
        from .render.markdown import render_markdown

        return render_markdown(self)

    def to_html(self) -> str:
        from .render.html import render_html

        return render_html(self)


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
        "metadata": article.metadata,
    }


def copy_to_dict(link: CopyLink) -> dict[str, Any]:
    return {
        "a": link.a,
        "b": link.b,
        "kind": str(link.kind),
        "score": round(link.score, 4),
        "origin": link.origin,
    }


def _evidence(evidence: tuple[Citation, ...]) -> list[dict[str, Any]]:
    return [{"article": c.article, "sentence": c.sentence, "text": c.text} for c in evidence]


def line_to_dict(line: SummaryLine | Fact) -> dict[str, Any]:
    """A summary line or a fact: the same cited-sentence shape in the contract."""
    return {
        "text": line.text,
        "article": line.article,
        "sentence": line.sentence,
        "citations": list(line.citations),
        "independent_support": line.independent_support,
        "evidence": _evidence(line.evidence),
    }


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
        "summary": [line_to_dict(line) for line in digest.summary],
        "facts": [line_to_dict(fact) for fact in digest.facts],
    }
