"""What wraps every route: the security headers, the body size limit, the error handler.

The only script the pages load is ``/static/web.js``, and the
Content-Security-Policy :class:`SecurityHeaders` adds to every response
forbids any other, so article content can never run as code even if a
template slipped; the API docs (``/docs``, ``/redoc``) get a policy of their
own that lets exactly their scripts run (:func:`docs_policy`).
:class:`BodyLimit` refuses request bodies over ``web.max_upload_bytes`` before
a route reads them. :class:`HeadAndOptions` answers ``HEAD`` as ``GET``
without the body and ``OPTIONS`` with the methods a path allows.
:func:`error_response` answers the errors synopsis raises on purpose
(:data:`ERROR_STATUS`): JSON ``{"detail": ...}`` under ``/api``, the HTML error
page everywhere else; :func:`server_error` answers the others (500).

Below the application, :func:`server_options` gives uvicorn its guard
against slow clients (:class:`SlowClientGuard`): a connection must send a
request's headers within ``web.header_timeout`` seconds and in at most
``web.max_header_bytes``, its body within ``web.body_timeout``, and an idle
kept-alive one closes after ``web.keep_alive_timeout``.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import importlib
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

from fastapi import Request, Response, status
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.routing import Match

from ..config import Settings, WebSettings
from ..errors import ConfigError, InputError, NotFoundError, SynopsisError
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
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect", "/redoc")
"""The API docs pages: they load Swagger UI or ReDoc from a CDN and run one inline script."""

_DOCS_CDN = "https://cdn.jsdelivr.net"
_DOCS_POLICY = (
    "default-src 'none'; script-src 'self' {cdn}{hashes}; "
    "style-src 'self' 'unsafe-inline' {cdn} https://fonts.googleapis.com; "
    "font-src https://fonts.gstatic.com; img-src 'self' data: https://fastapi.tiangolo.com "
    "https://cdn.redoc.ly; connect-src 'self'; worker-src blob:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.S)
_SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)
logger = logging.getLogger(__name__)

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


def docs_policy(page: bytes) -> str:
    """The Content-Security-Policy of an API docs page: its CDN, and its inline scripts by hash."""
    hashes = "".join(
        " 'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode("ascii") + "'"
        for script in _INLINE_SCRIPT.findall(page)
    )
    return _DOCS_POLICY.format(cdn=_DOCS_CDN, hashes=hashes)


def security_headers(policy: str = PAGE_POLICY) -> list[tuple[bytes, bytes]]:
    """The headers every response carries, with ``policy`` as its Content-Security-Policy."""
    return [(b"content-security-policy", policy.encode("ascii")), *_SECURITY_HEADERS]


class SecurityHeaders:
    """Adds a strict Content-Security-Policy and friends to every response.

    The API docs pages get :func:`docs_policy` (their body is held back, a few
    kilobytes, to hash their inline script); every other response
    :data:`PAGE_POLICY`.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if str(scope.get("path", "")) in DOCS_PATHS:
            await self._docs(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _with_security(message.get("headers", []), PAGE_POLICY)
            await send(message)

        await self.app(scope, receive, with_headers)

    async def _docs(self, scope: Scope, receive: Receive, send: Send) -> None:
        start: Message | None = None
        body: list[bytes] = []

        async def held(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            page = b"".join(body)
            start["headers"] = _with_security(start.get("headers", []), docs_policy(page))
            await send(start)
            await send({"type": "http.response.body", "body": page})

        await self.app(scope, receive, held)


def _with_security(headers: Any, policy: str) -> list[tuple[bytes, bytes]]:
    """``headers`` with the security headers, any of them already set replaced."""
    ours = security_headers(policy)
    names = {name for name, _ in ours}
    return [(name, value) for name, value in headers if name.lower() not in names] + ours


class HeadAndOptions:
    """``HEAD`` is answered as ``GET`` without the body; ``OPTIONS`` with ``Allow``.

    Routes declare ``GET`` only (FastAPI adds no ``HEAD``), so without this
    both answer 405. ``OPTIONS`` on a path no route matches falls through (404).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope.get("method") if scope["type"] == "http" else None
        if method == "HEAD":
            await self._head(scope, receive, send)
        elif method == "OPTIONS":
            allowed = _allowed_methods(scope)
            if allowed:
                await _send_allow(send, allowed)
            else:
                await self.app(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _head(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _allowed_methods(scope: Scope) -> list[str]:
    """The methods some route takes at ``scope``'s path, with ``HEAD`` and ``OPTIONS``.

    Each method is tried on each route (a route matches fully only a method it
    takes), which works through included routers as well as plain routes.
    """
    app = scope.get("app")
    routes = getattr(getattr(app, "router", None), "routes", [])
    methods = {
        method
        for route in routes
        for method in _METHODS
        if route.matches({**scope, "method": method})[0] is Match.FULL
    }
    if not methods:
        return []
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods | {"OPTIONS"})


async def _send_allow(send: Send, allowed: list[str]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 204,
            "headers": [(b"allow", ", ".join(allowed).encode("ascii"))],
        }
    )
    await send({"type": "http.response.body", "body": b""})


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


def server_error(request: Request, exc: Exception) -> Response:
    """The answer to an error no route meant (500): short, with the security headers.

    It is answered outside the middleware (by Starlette's error middleware), so
    it carries the security headers itself; the error is logged, not shown.
    """
    message = "internal server error"
    if is_api(request.url.path):
        response: Response = JSONResponse({"detail": message}, status_code=500)
    else:
        response = HTMLResponse(error_page(500, "Server error", message), status_code=500)
    for name, value in security_headers():
        response.headers[name.decode("ascii")] = value.decode("ascii")
    return response


# --- the server: slow clients -------------------------------------------------------------

_DEFAULT_WEB = WebSettings()


class SlowClientGuard:
    """A mixin over uvicorn's HTTP protocol that closes connections that hold it up.

    uvicorn closes a kept-alive connection that sends nothing after a response
    (``timeout_keep_alive``) but waits forever for a fresh connection's first
    request, for headers sent a byte at a time ("slowloris") and for a body
    that never ends; with the httptools parser the headers may also grow
    without end. Here each request's headers must arrive within
    ``header_timeout`` seconds (counted from the first byte, or from the
    connection) and ``max_header_bytes`` (else 408 or 431, and the
    connection closes), and its body within ``body_timeout`` seconds of the
    headers (else the connection closes). A request being answered is never
    timed.
    """

    header_timeout: float = _DEFAULT_WEB.header_timeout
    body_timeout: float = _DEFAULT_WEB.body_timeout
    max_header_bytes: int = _DEFAULT_WEB.max_header_bytes

    transport: asyncio.Transport
    cycle: Any

    def connection_made(self, transport: asyncio.Transport) -> None:
        self._guard: asyncio.TimerHandle | None = None
        self._head_bytes = 0
        self._timed_cycle: Any = None
        super().connection_made(transport)  # type: ignore[misc]
        self._arm(self.header_timeout, self._head_timed_out)

    def data_received(self, data: bytes) -> None:
        waiting = self._awaiting_head()
        if waiting:
            if self._guard is None:
                self._arm(self.header_timeout, self._head_timed_out)
            self._head_bytes += len(data)
        super().data_received(data)  # type: ignore[misc]
        cycle = getattr(self, "cycle", None)
        if cycle is not None and cycle is not self._timed_cycle:  # a request's headers arrived
            self._timed_cycle = cycle
            self._head_bytes = 0
            self._cancel()
            if cycle.more_body:
                self._arm(self.body_timeout, self._body_timed_out)
        elif cycle is not None and not cycle.more_body and self._guard is not None and not waiting:
            self._cancel()  # the body is complete
        elif waiting and self._head_bytes > self.max_header_bytes:
            self._refuse(431, "Request Header Fields Too Large")

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel()
        super().connection_lost(exc)  # type: ignore[misc]

    def _awaiting_head(self) -> bool:
        cycle = getattr(self, "cycle", None)
        return cycle is None or bool(cycle.response_complete)

    def _arm(self, seconds: float, callback: Callable[[], None]) -> None:
        self._cancel()
        self._guard = asyncio.get_running_loop().call_later(seconds, callback)

    def _cancel(self) -> None:
        guard = getattr(self, "_guard", None)
        if guard is not None:
            guard.cancel()
        self._guard = None

    def _head_timed_out(self) -> None:
        self._guard = None
        if not self._awaiting_head() or self.transport.is_closing():
            return
        if self._head_bytes:
            self._refuse(408, "Request Timeout")
        else:
            self.transport.close()

    def _body_timed_out(self) -> None:
        self._guard = None
        cycle = getattr(self, "cycle", None)
        if cycle is not None and cycle.more_body and not self.transport.is_closing():
            logger.info("closing a connection whose request body is too slow")
            self.transport.close()

    def _refuse(self, code: int, reason: str) -> None:
        self._cancel()
        if self.transport.is_closing():
            return
        body = f"{reason.lower()}\n".encode("ascii")
        self.transport.write(
            f"HTTP/1.1 {code} {reason}\r\ncontent-type: text/plain; charset=utf-8\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n".encode("ascii")
            + body
        )
        self.transport.close()


def _uvicorn_protocol() -> type[asyncio.Protocol]:
    """The HTTP protocol uvicorn's ``auto`` picks: httptools when installed, else h11."""
    try:
        importlib.import_module("httptools")
        module = importlib.import_module("uvicorn.protocols.http.httptools_impl")
        protocol: type[asyncio.Protocol] = module.HttpToolsProtocol
    except ImportError:
        module = importlib.import_module("uvicorn.protocols.http.h11_impl")
        protocol = module.H11Protocol
    return protocol


def guarded_protocol(web: WebSettings) -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol under a :class:`SlowClientGuard` with ``web``'s limits."""
    protocol: type[asyncio.Protocol] = type(
        "GuardedHttpProtocol",
        (SlowClientGuard, _uvicorn_protocol()),
        {
            "__module__": __name__,
            "header_timeout": web.header_timeout,
            "body_timeout": web.body_timeout,
            "max_header_bytes": web.max_header_bytes,
        },
    )
    return protocol


def server_options(web: WebSettings, *, importable: bool = False) -> dict[str, Any]:
    """uvicorn's options for serving with ``web``'s limits on clients.

    ``importable``: name the protocol by import string (worker processes
    import it, and build it from the ``SYNOPSIS_WEB__*`` environment).
    """
    http: Any = f"{__name__}:GuardedHttpProtocol" if importable else guarded_protocol(web)
    return {
        "http": http,
        "timeout_keep_alive": web.keep_alive_timeout,
        "h11_max_incomplete_event_size": web.max_header_bytes,
    }


def __getattr__(name: str) -> Any:
    """``GuardedHttpProtocol``, with the limits of the environment, for worker processes."""
    if name == "GuardedHttpProtocol":
        try:
            web = Settings.from_env().web
        except ConfigError:
            web = WebSettings()
        return guarded_protocol(web)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DOCS_PATHS",
    "ERROR_STATUS",
    "PAGE_POLICY",
    "BodyLimit",
    "HeadAndOptions",
    "SecurityHeaders",
    "SlowClientGuard",
    "docs_policy",
    "error_response",
    "guarded_protocol",
    "is_api",
    "security_headers",
    "server_error",
    "server_options",
]
