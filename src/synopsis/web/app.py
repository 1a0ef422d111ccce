"""The web application: :func:`create_app` builds it over one store.

This module only wires things up: the routers (:mod:`.routers`), the
middleware and the error handler (:mod:`.middleware`), and the
:class:`~.service.StoryService` the routes share. Templates and static files
are in :mod:`.templating`. Nothing else under :mod:`synopsis.web` imports this
module, so the routers never import the app they are part of.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

from fastapi import FastAPI

from ..archive import Archive
from ..config import Settings
from ..fetch import Fetcher
from ..version import __version__
from .middleware import (
    ERROR_STATUS,
    BodyLimit,
    HeadAndOptions,
    SecurityHeaders,
    error_response,
    server_error,
)
from .routers import articles, feeds, pages, stories
from .service import StoryService


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
    app.state.fetcher = Fetcher(settings.fetch)
    app.state.token = settings.web.token or environ.get("SYNOPSIS_TOKEN", "")
    app.include_router(stories.router)
    app.include_router(articles.router)
    app.include_router(feeds.router)
    app.include_router(pages.router)
    for error in ERROR_STATUS:  # one handler: 404 / 422, JSON under /api, else the error page
        app.add_exception_handler(error, error_response)
    app.add_exception_handler(Exception, server_error)  # 500, with the security headers
    app.add_middleware(BodyLimit, limit=settings.web.max_upload_bytes)
    app.add_middleware(HeadAndOptions)
    app.add_middleware(SecurityHeaders)  # outermost: on every response, OPTIONS' too
    return app


def app_from_env() -> FastAPI:
    """The application configured from ``SYNOPSIS_*`` variables (uvicorn ``--factory``)."""
    return create_app(Settings.from_env())
