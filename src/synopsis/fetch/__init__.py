"""Fetching URLs safely and politely: :class:`Fetcher`.

::

    from synopsis.config import FetchSettings
    from synopsis.fetch import Fetcher, sniff_kind

    fetcher = Fetcher(FetchSettings())
    page = fetcher.fetch("https://example.org/news/ferry")
    sniff_kind(page)                      # "html", "feed" or "other"
    again = fetcher.fetch(page.url, etag=page.etag, last_modified=page.last_modified)
    again.not_modified                    # True when the server answered 304

What is fetched and how (the address guard, robots.txt, per-host limits,
retries, timeouts and size caps) is described in :mod:`.fetcher`; every
failure is a :class:`~synopsis.errors.FetchError` (re-exported here). The
network sits behind :class:`Transport`; :mod:`.testing` has a double for it.
"""

from __future__ import annotations

from ..errors import FetchError
from .fetcher import Fetcher, FetchResult
from .guard import Resolver, check_address, system_resolver
from .sniff import PageKind, sniff_kind
from .transport import HTTPTransport, Request, Response, Transport

__all__ = [
    "FetchError",
    "FetchResult",
    "Fetcher",
    "HTTPTransport",
    "PageKind",
    "Request",
    "Resolver",
    "Response",
    "Transport",
    "check_address",
    "sniff_kind",
    "system_resolver",
]
