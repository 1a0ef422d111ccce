"""The shapes of the JSON the REST API answers, as pydantic models (for ``/openapi.json``).

Field order is the order the API has always written its keys in. The story
report (``GET /api/stories/{id}``) is served as the cached bytes of the
``synopsis.report/1`` contract and never validated through these models:
:class:`StoryReport` only documents its top level.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class StoryListItem(BaseModel):
    """One line of the story list."""

    id: str
    title: str
    articles: int = Field(description="How many articles the story holds")
    independent_sources: int = Field(description="Groups of articles not copied from each other")
    first_published: str | None = Field(description="ISO 8601 time of the first article")
    last_published: str | None = Field(description="ISO 8601 time of the last article")
    languages: list[str]
    conflicts: int | None = Field(
        description="Conflicts in the digest; null until this server computed the report"
    )


class StoryListPage(BaseModel):
    """One page of the story list: ``stories[offset : offset + limit]`` of ``total``."""

    total: int = Field(description="Stories matching the search and filters")
    offset: int
    stories: list[StoryListItem]


class InputStatus(BaseModel):
    """An input that failed or was skipped, and why."""

    input: str = Field(description="The input: a record position, an upload or a URL")
    reason: str


class IngestResponse(BaseModel):
    """What adding articles did: per article, the story it is in; per input, what failed."""

    added: list[str] = Field(description="Ids of the articles stored by this request")
    unchanged: list[str] = Field(description="Ids of articles already stored as sent")
    placed: dict[str, str | None] = Field(description="The story of each added or known article")
    stories: list[str] = Field(description="Ids of the stories this request created or changed")
    failures: list[InputStatus]
    skipped: list[InputStatus]


class ArticleRemoval(BaseModel):
    """Boilerplate the cleaner removed from an article."""

    kind: str
    text: str


class ArticleQuality(BaseModel):
    """A problem with an article's wording, with the snippets that show it."""

    kind: str
    count: int
    evidence: list[str]


class ReportArticle(BaseModel):
    """An article as the ``synopsis.report/1`` contract writes it."""

    id: str
    path: str | None
    url: str | None
    outlet: str | None
    title: str | None
    published: str | None = Field(description="ISO 8601")
    language: str | None
    text: str = Field(description="The cleaned body; paragraphs separated by a blank line")
    removed: list[ArticleRemoval]
    quality: list[ArticleQuality]
    metadata: dict[str, Any]


class StoredArticle(ReportArticle):
    """One stored article, with the live story it belongs to."""

    story: str | None = Field(description="Id of the story the article is in")


class ErrorDetail(BaseModel):
    """An error the API answers itself: a missing id, an input it cannot read."""

    detail: str


class StoryReport(BaseModel):
    """The report of one story, schema ``synopsis.report/1`` (its top level; documentation only).

    ``stories`` holds the one story: its articles, source groups, cited summary
    and facts, quotes, entities, figures, conflicts and unique details.
    """

    model_config = ConfigDict(extra="allow")

    schema_: str = Field(alias="schema", examples=["synopsis.report/1"])
    generator: str
    articles: list[ReportArticle]
    copies: list[dict[str, Any]] = Field(description="Copy links between the articles")
    stories: list[dict[str, Any]] = Field(description="The story's digest")
    failures: list[InputStatus]
    skipped: list[InputStatus]


__all__ = [
    "ArticleQuality",
    "ArticleRemoval",
    "ErrorDetail",
    "IngestResponse",
    "InputStatus",
    "ReportArticle",
    "StoredArticle",
    "StoryListItem",
    "StoryListPage",
    "StoryReport",
]


class FeedFailure(BaseModel):
    """A page of a feed that could not be fetched."""

    url: str
    reason: str
    at: str | None = Field(description="ISO 8601 time of the last try")
    attempts: int


class FeedStatus(BaseModel):
    """A followed feed and how its polls went."""

    url: str
    title: str | None
    added: str | None
    last_polled: str | None = Field(description="ISO 8601 time of the last poll")
    next_poll: str | None
    last_status: str | None = Field(description="ok, not modified or failed; null: never polled")
    last_error: str | None
    healthy: bool = Field(description="False when the last poll failed")
    errors: int = Field(description="Polls that failed in a row")
    polls: int
    articles: int = Field(description="Articles the feed brought in, in all")
    last_new: int = Field(description="Articles its last poll brought")
    failures: list[FeedFailure] = Field(description="Its latest pages that could not be fetched")


class FollowRequest(BaseModel):
    """A feed to follow."""

    url: str = Field(min_length=8, max_length=2048, examples=["https://example.org/rss.xml"])
