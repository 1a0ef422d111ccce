"""Test doubles for the fetcher: a transport answering from a function, a fixed resolver.

::

    def answer(request: Request) -> Response:
        return Response(200, (("Content-Type", "text/html"),), b"<html>...</html>")

    transport = MockTransport(answer)
    fetcher = Fetcher(FetchSettings(robots=False), transport, resolver=static_resolver(
        {"news.example": ["93.184.216.34"]}
    ))
    fetcher.fetch("https://news.example/a")
    assert transport.requests[0].address == "93.184.216.34"
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from .guard import Resolver
from .transport import Request, Response


class MockTransport:
    """Answers each request with ``handler(request)``, keeping every request it was sent.

    The handler may raise :class:`OSError` (``TimeoutError`` for a timeout) as
    a real transport does; a body longer than the request allows is cut to
    ``max_bytes + 1`` bytes, as a real transport reads no more.
    """

    def __init__(self, handler: Callable[[Request], Response]) -> None:
        self._handler = handler
        self._lock = threading.Lock()
        self._requests: list[Request] = []

    @property
    def requests(self) -> list[Request]:
        """The requests sent so far, in order."""
        with self._lock:
            return list(self._requests)

    def send(self, request: Request) -> Response:
        with self._lock:
            self._requests.append(request)
        response = self._handler(request)
        return replace(response, data=response.data[: request.max_bytes + 1])


def static_resolver(hosts: Mapping[str, Sequence[str]]) -> Resolver:
    """A resolver answering from ``hosts`` (name → addresses); any other name does not resolve."""

    def resolve(host: str, port: int, timeout: float) -> Sequence[str]:
        try:
            return hosts[host]
        except KeyError:
            raise socket.gaierror(socket.EAI_NONAME, f"{host} is not in the test's hosts") from None

    return resolve


__all__ = ["MockTransport", "static_resolver"]
