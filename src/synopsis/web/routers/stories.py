"""``/api/stories``: the story list and each story's report (``synopsis.report/1``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from ..deps import ServiceDep, SettingsDep, require_reader
from ..schemas import ErrorDetail, StoryListItem, StoryListPage, StoryReport
from ..service import StoryFilter

router = APIRouter(prefix="/api/stories", tags=["stories"], dependencies=[Depends(require_reader)])


@router.get("")
def list_stories(
    service: ServiceDep,
    settings: SettingsDep,
    q: Annotated[str, Query(max_length=200, description="Words in the title")] = "",
    language: Annotated[str, Query(max_length=20)] = "",
    min_sources: Annotated[int, Query(ge=0)] = 0,
    conflicts: Annotated[bool, Query(description="Only stories with conflicts")] = False,
    limit: Annotated[int | None, Query(ge=1, le=1000)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> StoryListPage:
    """Live stories, most recently updated first, searched and filtered.

    ``conflicts`` is ``null`` for a story whose report this server has not
    computed yet (open it once).
    """
    items = service.listing(StoryFilter(q.strip(), language.strip(), min_sources, conflicts))
    limit = limit or settings.web.page_size
    return StoryListPage(
        total=len(items),
        offset=offset,
        stories=[
            StoryListItem.model_validate(item.to_dict()) for item in items[offset : offset + limit]
        ],
    )


@router.get(
    "/{story_id}",
    responses={
        200: {
            "description": "The story's report, schema `synopsis.report/1`",
            "model": StoryReport,
        },
        404: {"description": "No such story", "model": ErrorDetail},
    },
)
def get_story(story_id: str, service: ServiceDep) -> Response:
    """The report of one story: its articles, copy links and cited digest.

    A story merged into another answers with the report of the live one.
    """
    data = service.story(story_id)  # a NotFoundError answers 404 (see ..middleware)
    return Response(data.report_json, media_type="application/json")
