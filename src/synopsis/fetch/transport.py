"""The seam between the fetcher and the network: one request in, one response out.

A :class:`Transport` sends one GET for :class:`Request` to the address the
fetcher has already checked, and answers the :class:`Response` with at most
``max_bytes + 1`` bytes of its body. It follows no redirect, retries nothing
and judges no status: :class:`~synopsis.fetch.Fetcher` does all that, with any
transport. A failed exchange raises :class:`OSError` — :class:`TimeoutError`
when a step or the whole response ran out of time — which the fetcher turns
into a :class:`~synopsis.errors.FetchError`.

:class:`HTTPTransport` is the real one (``http.client``: one connection per
request, to the checked address, TLS verified for the host name);
:class:`synopsis.fetch.testing.MockTransport` answers from a function.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

_CHUNK_BYTES = 65_536


@dataclass(frozen=True, slots=True)
class Request:
    """One GET: ``url`` (ASCII, no credentials), sent to the checked ``address``.

    ``timeout`` bounds each step (connecting, each read), ``response_timeout``
    the whole exchange; at most ``max_bytes + 1`` bytes of the body are read.
    """

    url: str
    address: str
    headers: tuple[tuple[str, str], ...]
    timeout: float
    response_timeout: float
    max_bytes: int

    def header(self, name: str) -> str | None:
        """The first header called ``name`` (any case), or ``None``."""
        return _first(self.headers, name)


@dataclass(frozen=True, slots=True)
class Response:
    """What the server answered: its status, headers (in order) and body (maybe cut short)."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    data: bytes = b""

    def header(self, name: str) -> str | None:
        """The first header called ``name`` (any case), or ``None``."""
        return _first(self.headers, name)


class Transport(Protocol):
    """Sends one request; see the module docstring for what it must and must not do."""

    def send(self, request: Request) -> Response: ...


def _first(headers: tuple[tuple[str, str], ...], name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in headers if key.lower() == wanted), None)


class HTTPTransport:
    """The network: ``http.client`` to the request's checked address, one connection each.

    HTTPS certificates are verified for the URL's host name with ``tls``
    (default: the system's trusted authorities).
    """

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self._tls = tls or ssl.create_default_context()

    def send(self, request: Request) -> Response:
        parts = urlsplit(request.url)
        host = parts.hostname or ""
        https = parts.scheme == "https"
        port = parts.port or (443 if https else 80)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        watchdog = _Watchdog(request.response_timeout)
        connection: http.client.HTTPConnection
        if https:
            connection = _PinnedHTTPS(
                host, port, request.address, request.timeout, watchdog, self._tls
            )
        else:
            connection = _PinnedHTTP(host, port, request.address, request.timeout, watchdog)
        watchdog.start()
        try:
            connection.request("GET", target, headers=dict(request.headers))
            answer = connection.getresponse()
            response = Response(
                answer.status, tuple(answer.getheaders()), _read(answer, request.max_bytes + 1)
            )
            if watchdog.fired:  # the cut-off body of a response without a length reads as whole
                raise TimeoutError(f"the response took longer than {request.response_timeout} s")
            return response
        except (OSError, http.client.HTTPException) as exc:
            if watchdog.fired:
                raise TimeoutError(
                    f"the response took longer than {request.response_timeout} s"
                ) from exc
            if isinstance(exc, OSError):
                raise
            raise ConnectionError(
                f"malformed or cut-off response ({type(exc).__name__}: {exc})"
            ) from exc
        finally:
            watchdog.stop()
            connection.close()


def _read(answer: http.client.HTTPResponse, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        chunk = answer.read(min(_CHUNK_BYTES, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


class _Watchdog:
    """Shuts a connection's socket once its exchange has run past ``seconds``.

    Socket timeouts bound each step, but a server that sends a byte just
    before each one runs out would keep a single response going for ever;
    shutting the socket from a timer ends whatever read is waiting on it.
    """

    def __init__(self, seconds: float) -> None:
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._stopped = False
        self.fired = False
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def start(self) -> None:
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._socket = sock
            if self.fired:
                _shut(sock)

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            self._timer.cancel()

    def _fire(self) -> None:
        with self._lock:
            if self._stopped:
                return
            self.fired = True
            if self._socket is not None:
                _shut(self._socket)


def _shut(sock: socket.socket) -> None:
    # The plain socket's shutdown: an SSLSocket's own drops its TLS state under the reading
    # thread. An OSError means it is closed already, or not yet connected: nothing waits on it.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _PinnedHTTP(http.client.HTTPConnection):
    """HTTP to a checked address (the host name only goes into the ``Host`` header)."""

    def __init__(
        self, host: str, port: int, address: str, timeout: float, watchdog: _Watchdog
    ) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address
        self._watchdog = watchdog

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self._watchdog.watch(self.sock)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a checked address, verifying the certificate for the host name."""

    def __init__(
        self,
        host: str,
        port: int,
        address: str,
        timeout: float,
        watchdog: _Watchdog,
        tls: ssl.SSLContext,
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=tls)
        self._address = address
        self._watchdog = watchdog
        self._tls = tls

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self._watchdog.watch(raw)
        tls = self._tls.wrap_socket(raw, server_hostname=self.host, do_handshake_on_connect=False)
        self.sock = tls
        self._watchdog.watch(tls)  # before the handshake, so a stalled one is cut off too
        tls.do_handshake()


__all__ = ["HTTPTransport", "Request", "Response", "Transport"]
