"""``/api/feeds`` and ``/feeds``: the feeds the store follows, their health; follow or drop one.

Reads are those of the other pages; following and unfollowing need the
token. Polling is ``synopsis follow``'s work: the web shows what it left.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from fastapi.responses import HTMLResponse

from ...follow.health import feed_health
from ...readers import is_url
from ..deps import ServiceDep, TokenDep, require_reader, require_writer
from ..schemas import ErrorDetail, FeedStatus, FollowRequest
from ..templating import render

router = APIRouter(tags=["feeds"])

_WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "No or wrong bearer token", "model": ErrorDetail},
    403: {"description": "Writes are disabled (no token configured)", "model": ErrorDetail},
}


@router.get("/api/feeds", dependencies=[Depends(require_reader)])
def list_feeds(service: ServiceDep) -> list[FeedStatus]:
    """Every followed feed: last and next poll, status, new articles, errors, failed pages."""
    return [FeedStatus.model_validate(h.to_dict()) for h in feed_health(service.archive.store)]


@router.post(
    "/api/feeds",
    dependencies=[Depends(require_writer)],
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "The feed was followed already", "model": FeedStatus},
        422: {"description": "Not an http(s) URL", "model": ErrorDetail},
        **_WRITE_RESPONSES,
    },
)
def follow_feed(body: FollowRequest, service: ServiceDep, response: Response) -> FeedStatus:
    """Follow a feed: ``synopsis follow`` polls it from its next run on."""
    url = body.url.strip()
    if not is_url(url) or any(c.isspace() for c in url):
        raise HTTPException(422, "not an http(s) URL")
    store = service.archive.store
    if not store.add_feed(url):
        response.status_code = status.HTTP_200_OK
    return FeedStatus.model_validate(_health_of(service, url))


@router.delete(
    "/api/feeds",
    dependencies=[Depends(require_writer)],
    status_code=status.HTTP_204_NO_CONTENT,
    responses={404: {"description": "Not followed", "model": ErrorDetail}, **_WRITE_RESPONSES},
)
def unfollow_feed(
    service: ServiceDep, url: Annotated[str, Query(min_length=1, max_length=2048)]
) -> Response:
    """Stop following a feed (its articles stay in the store)."""
    if not service.archive.store.remove_feed(url.strip()):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"not followed: {url}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/feeds", dependencies=[Depends(require_reader)], include_in_schema=False)
def feeds_page(service: ServiceDep, token: TokenDep) -> HTMLResponse:
    health = feed_health(service.archive.store)
    return HTMLResponse(render("feeds.html.j2", feeds=health, writes=bool(token)))


def _health_of(service: ServiceDep, url: str) -> dict[str, Any]:
    for item in feed_health(service.archive.store):
        if item.feed.url == url:
            return item.to_dict()
    raise HTTPException(status.HTTP_404_NOT_FOUND, f"not followed: {url}")
