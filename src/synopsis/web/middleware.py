"""What wraps every route: the security headers, the body size limit, the error handler.

The only script the pages load is ``/static/web.js``, and the
Content-Security-Policy :class:`SecurityHeaders` adds forbids any other, so
article content can never run as code even if a template slipped.
:class:`BodyLimit` refuses request bodies over ``web.max_upload_bytes`` before
a route reads them. :func:`error_response` answers the errors synopsis raises
on purpose (:data:`ERROR_STATUS`): JSON ``{"detail": ...}`` under ``/api``, the
HTML error page everywhere else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

from fastapi import Request, Response, status
from fastapi.responses import HTMLResponse, JSONResponse

from ..errors import InputError, NotFoundError, SynopsisError
from .templating import error_page

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

ERROR_STATUS: Mapping[type[SynopsisError], tuple[int, str]] = {
    NotFoundError: (status.HTTP_404_NOT_FOUND, "Not found"),
    InputError: (status.HTTP_422_UNPROCESSABLE_CONTENT, "Cannot read the input"),
}
"""The errors the web answers itself, with the status and the error page's title."""


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


def is_api(path: str) -> bool:
    """Whether ``path`` is under the REST API (answered in JSON, not HTML)."""
    return path == "/api" or path.startswith("/api/")


def error_response(request: Request, exc: Exception) -> Response:
    """The answer to an error of :data:`ERROR_STATUS` raised by a route.

    Under ``/api``: JSON ``{"detail": str(exc)}``. Pages get the HTML error
    page; a missing story or article reads "No story 'id'.".
    """
    code, title = next(
        (found for kind, found in ERROR_STATUS.items() if isinstance(exc, kind)),
        (status.HTTP_500_INTERNAL_SERVER_ERROR, "Server error"),
    )
    if is_api(request.url.path):
        return JSONResponse({"detail": str(exc)}, status_code=code)
    detail = f"No {exc.kind} {exc.key!r}." if isinstance(exc, NotFoundError) else str(exc)
    return HTMLResponse(error_page(code, title, detail), status_code=code)


__all__ = [
    "ERROR_STATUS",
    "PAGE_POLICY",
    "BodyLimit",
    "SecurityHeaders",
    "error_response",
    "is_api",
]
