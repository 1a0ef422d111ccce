"""The web application: :func:`create_app` builds it over one store.

Pages are rendered on the server from each story's cached report (see
:mod:`synopsis.web.service`) with Jinja2, autoescaping on; the only script is
``/static/web.js``, and a Content-Security-Policy forbids any other, so article
content can never run as code even if a template slipped. Static files are
held in memory: no request path reaches the file system.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, MutableMapping
from contextlib import asynccontextmanager
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI
from jinja2 import Environment

from .. import __version__
from ..archive import Archive
from ..config import Settings
from ..report.html import environment as html_environment
from .service import StoryService

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
_OPEN_PATHS = ("/docs", "/redoc", "/openapi.json")  # the API docs load their own assets


def path_segment(value: object) -> str:
    """``value`` quoted for use as one URL path segment (slashes too)."""
    return quote(str(value), safe="")


def environment() -> Environment:
    """The web templates' environment: the report's, plus the ``seg`` filter."""
    return html_environment((("seg", path_segment),))


def render(template: str, **context: Any) -> str:
    return environment().get_template(f"web/{template}").render(**context)


@lru_cache(maxsize=1)
def static_files() -> Mapping[str, tuple[bytes, str]]:
    """The static assets by name, read once from the package: ``(bytes, media type)``."""
    folder = resources.files("synopsis.web") / "static"
    return {
        "web.css": ((folder / "web.css").read_bytes(), "text/css; charset=utf-8"),
        "web.js": ((folder / "web.js").read_bytes(), "text/javascript; charset=utf-8"),
    }


class BodyLimit:
    """Refuses request bodies over ``limit`` bytes (413), declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await _too_large(send, self.limit)
                return
        seen = 0
        responded = False

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _BodyTooLarge
            return message

        async def tracking(message: Message) -> None:
            nonlocal responded
            responded = responded or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, tracking)
        except _BodyTooLarge:
            if not responded:
                await _too_large(send, self.limit)


class _BodyTooLarge(Exception):
    pass


async def _too_large(send: Send, limit: int) -> None:
    body = f'{{"detail": "request body over the limit of {limit} bytes"}}'.encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """Adds a strict Content-Security-Policy and friends to every page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).startswith(_OPEN_PATHS):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", PAGE_POLICY.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(
    settings: Settings | None = None,
    *,
    archive: Archive | None = None,
    environ: Mapping[str, str] | None = None,
) -> FastAPI:
    """The web application over the store ``settings.web.db`` (or over ``archive``).

    The write token is ``settings.web.token``, else ``SYNOPSIS_TOKEN`` from
    ``environ`` (default: the process environment). An archive opened here is
    closed when the application shuts down; one passed in is left open.
    """
    from .routers import articles, pages, stories

    settings = settings or (archive.settings if archive is not None else Settings())
    environ = os.environ if environ is None else environ
    owned = archive is None
    if archive is None:
        archive = Archive.open(settings.web.db, settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if owned:
                app.state.service.archive.close()

    app = FastAPI(
        title="synopsis",
        version=__version__,
        summary="Many news reports of the same events, one trustworthy, cited story.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.service = StoryService(archive, settings)
    app.state.token = settings.web.token or environ.get("SYNOPSIS_TOKEN", "")
    app.include_router(stories.router)
    app.include_router(articles.router)
    app.include_router(pages.router)
    app.add_middleware(BodyLimit, limit=settings.web.max_upload_bytes)
    app.add_middleware(SecurityHeaders)
    return app


def app_from_env() -> FastAPI:
    """The application configured from ``SYNOPSIS_*`` variables (uvicorn ``--factory``)."""
    return create_app(Settings.from_env())
