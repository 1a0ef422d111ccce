"""The HTML pages: story list, story, side-by-side reader, article, upload form.

A missing story or article raises :class:`~synopsis.errors.NotFoundError`,
which the exception handler (:func:`..middleware.error_response`) answers with
the HTML error page and 404.
"""

from __future__ import annotations

import math
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from fastapi.responses import HTMLResponse

from ...errors import NotFoundError
from ...readers.formats import READERS
from ..deps import ServiceDep, SettingsDep, TokenDep, require_reader
from ..service import StoryFilter
from ..templating import render, static_files
from ..views import article_page, reader_page, story_page

router = APIRouter(include_in_schema=False)
reads = [Depends(require_reader)]


@router.get("/", dependencies=reads)
def story_list(
    service: ServiceDep,
    settings: SettingsDep,
    q: Annotated[str, Query(max_length=200)] = "",
    language: Annotated[str, Query(max_length=20)] = "",
    min_sources: Annotated[int, Query(ge=0)] = 0,
    conflicts: bool = False,
    page: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    everything = service.listing()
    filters = StoryFilter(q.strip(), language.strip(), min_sources, conflicts)
    items = [item for item in everything if filters.accepts(item)]
    size = settings.web.page_size
    pages = max(1, math.ceil(len(items) / size))
    page = min(page, pages)

    def query_for(number: int) -> str:
        params = {"q": filters.query, "language": filters.language, "page": str(number)}
        if filters.min_sources:
            params["min_sources"] = str(filters.min_sources)
        if filters.with_conflicts:
            params["conflicts"] = "1"
        return urlencode({k: v for k, v in params.items() if v})

    return HTMLResponse(
        render(
            "stories.html.j2",
            items=items[(page - 1) * size : page * size],
            total=len(everything),
            shown=len(items),
            filters=filters,
            languages=sorted({lang for item in everything for lang in item.languages}),
            page=page,
            pages=pages,
            query_for=query_for,
        )
    )


@router.get("/stories/{story_id}", dependencies=reads)
def story(story_id: str, service: ServiceDep) -> Response:
    data = service.story(story_id)
    body = service.page(
        ("story", data.id, data.version),
        lambda: render("story.html.j2", page=story_page(data), story_id=data.id),
    )
    return HTMLResponse(body)


@router.get("/stories/{story_id}/read", dependencies=reads)
def reader(
    story_id: str,
    service: ServiceDep,
    a: Annotated[list[str] | None, Query(max_length=500)] = None,
) -> Response:
    data = service.story(story_id)
    # Only ids of the story's articles, so cache keys stay few and small.
    wanted = [aid for aid in dict.fromkeys(a or []) if aid in data.sentences][:50]
    body = service.page(
        ("read", data.id, data.version, *wanted),
        lambda: render("reader.html.j2", page=reader_page(data, wanted), wide=True),
    )
    return HTMLResponse(body)


@router.get("/articles/{article_id:path}", dependencies=reads)
def article(article_id: str, service: ServiceDep) -> Response:
    found = service.article(article_id)
    story_id = service.story_of(found.id)
    title = None
    if story_id is not None:
        try:
            title = service.live_row(story_id).title
        except NotFoundError:
            story_id = None
    return HTMLResponse(render("article.html.j2", page=article_page(found, story_id, title)))


@router.get("/upload", dependencies=reads)
def upload_form(settings: SettingsDep, token: TokenDep) -> HTMLResponse:
    return HTMLResponse(
        render(
            "upload.html.j2",
            writable=bool(token),
            max_bytes=settings.web.max_upload_bytes,
            formats=", ".join(sorted(READERS)),
        )
    )


@router.get("/static/{name}")
def static(name: str) -> Response:
    found = static_files().get(name)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such file")
    data, media_type = found
    return Response(data, media_type=media_type, headers={"cache-control": "max-age=3600"})
