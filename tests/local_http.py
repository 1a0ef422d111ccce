"""A real HTTP server on loopback for tests that fetch: routes, a request log, delays.

::

    with LocalServer({"/a": Route(body=b"hello", headers=(("Content-Type", "text/plain"),))}) as s:
        fetcher.fetch(s.url("/a"))
        assert s.hits("/a") == 1

A route is a :class:`Route` or a function of the :class:`Seen` request that
returns one (to answer by the request's headers, or differently each time).
Paths without a route answer 404; with ``tls`` (a server context) it speaks
HTTPS. Every request is logged with its headers before it is answered, and
the most requests ever in flight at once is kept.
Reachable only with ``FetchSettings(allow_private_urls=True)``:
:func:`loopback_settings` gives settings for it that keep tests fast, and
:class:`FakeClock` a clock whose sleeps return at once.
"""

from __future__ import annotations

import http.server
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from synopsis.config import FetchSettings


@dataclass(frozen=True)
class Route:
    """An answer: status, headers, body; after ``delay`` s, the body ``drip`` s per byte."""

    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    delay: float = 0.0
    drip: float = 0.0


@dataclass(frozen=True)
class Seen:
    """One request the server received: its path, headers (names in lower case), time."""

    path: str
    headers: Mapping[str, str]
    at: float


Answer = Route | Callable[[Seen], Route]


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    connections = 0

    def get_request(self) -> tuple[Any, Any]:
        self.connections += 1  # before a TLS handshake, which may fail
        return super().get_request()

    def handle_error(self, request: Any, client_address: Any) -> None:
        return None  # a client that gave up mid-answer (the timeout tests) is expected


class LocalServer:
    """A ``ThreadingHTTPServer`` on 127.0.0.1 (any free port), serving in a thread."""

    def __init__(
        self, routes: Mapping[str, Answer] | None = None, *, tls: ssl.SSLContext | None = None
    ) -> None:
        self.routes: dict[str, Answer] = dict(routes or {})
        self._lock = threading.Lock()
        self._seen: list[Seen] = []
        self._in_flight = 0
        self.max_in_flight = 0
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self.port = self._server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
            self.base = f"https://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    @property
    def requests(self) -> list[Seen]:
        with self._lock:
            return list(self._seen)

    @property
    def connections(self) -> int:
        """Connections accepted, including those whose TLS handshake failed."""
        return self._server.connections

    def hits(self, path: str) -> int:
        return sum(1 for seen in self.requests if seen.path == path)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def _answer(self, seen: Seen) -> Route:
        with self._lock:
            self._seen.append(seen)
        answer = self.routes.get(seen.path, Route(404))
        return answer(seen) if callable(answer) else answer

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                # Counted until the answer starts: once it is sent, the client may start
                # its next request before this thread has finished writing.
                with server._lock:
                    server._in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server._in_flight)
                try:
                    headers = {name.lower(): value for name, value in self.headers.items()}
                    route = server._answer(Seen(self.path, headers, time.monotonic()))
                    time.sleep(route.delay)
                finally:
                    with server._lock:
                        server._in_flight -= 1
                self._send(route)

            def _send(self, route: Route) -> None:
                self.send_response(route.status)
                names = {name.lower() for name, _ in route.headers}
                for name, value in route.headers:
                    self.send_header(name, value)
                if "content-length" not in names and not route.drip:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                if not route.drip:
                    self.wfile.write(route.body)
                    return
                for byte in route.body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(route.drip)

            def log_message(self, format: str, *args: Any) -> None:
                return None

        return Handler


def loopback_settings(**changes: Any) -> FetchSettings:
    """Fetch settings that reach the loopback server, with short waits; robots off unless asked."""
    values: dict[str, Any] = {
        "allow_private_urls": True,
        "robots": False,
        "timeout": 2.0,
        "response_timeout": 5.0,
        "backoff": 0.01,
        "per_host_rate": 1000.0,
    }
    return FetchSettings(**{**values, **changes})


class FakeClock:
    """A monotonic clock that moves only when slept on (or ``advance``d); keeps every sleep."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._now = 0.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self._now += seconds

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds
