"""The one way synopsis fetches a URL: :class:`Fetcher`.

For each hop (the URL, then each redirect target, at most
``fetch.max_redirects`` of them): the URL must be ``http`` or ``https``, with
a host and without credentials; every address the host resolves to must be
public unless ``fetch.allow_private_urls`` (see :mod:`.guard`); the site's
robots.txt must allow it (read through this same path, kept per site, see
:mod:`.robots`); then the request is sent, within the host's concurrency and
rate limits (:mod:`.limits`), to the checked address. A timeout, a failed
connection, a 5xx or a 429 is tried again with exponential backoff (or after
the server's ``Retry-After``); any other status is the answer.

No input can hold a fetch for long: each step has ``fetch.timeout`` seconds
and each response ``fetch.response_timeout``, so one fetch takes at most
about ``(max_redirects + 1) × (retries + 1) × response_timeout`` plus the
waits between tries (each at most ``max_retry_wait``) and one robots.txt per
new site, besides the time it queues for its host.

Every failure is a :class:`~synopsis.errors.FetchError` whose reason names
the URL that failed and why, its ``input`` the URL asked for; nothing from the
network layer escapes.
"""

from __future__ import annotations

import email.utils
import http.client
import ipaddress
import ssl
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from ..config import FetchSettings
from ..errors import FetchError
from .guard import Resolver, check_address, system_resolver
from .limits import HostLimits
from .robots import (
    ALLOW_ALL,
    ROBOTS_MAX_BYTES,
    ROBOTS_RETRY_SECONDS,
    RobotsCache,
    RobotsRules,
    rules_from_answer,
)
from .transport import HTTPTransport, Request, Response, Transport

REDIRECTS = frozenset({301, 302, 303, 307, 308})
ACCEPT = (
    "text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, text/plain;q=0.8, */*;q=0.5"
)
# Characters left as they are when a URL's path and query are made ASCII: the reserved
# ones and "%" (already escaped bytes stay escaped).
_URL_SAFE = "/?&=;:@!$'()*+,-._~%"


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What a fetch brought back.

    ``url`` is the one finally fetched (after redirects); ``status`` is 200,
    or 304 when a conditional fetch found the page unchanged (``data`` is then
    empty, and ``etag`` / ``last_modified`` are the server's or else the ones
    sent). ``content_type`` is the media type in lower case ("" when none was
    given), ``charset`` the one the server named.
    """

    url: str
    status: int
    data: bytes
    content_type: str
    charset: str | None
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True, slots=True)
class _Target:
    """One hop's URL, checked and made ASCII, and the parts the fetch needs of it.

    ``asked`` is the URL the caller asked for, which every error names as its
    input; ``redirected`` says this hop is not that URL but where it led.
    """

    url: str
    host: str
    port: int
    origin: str
    asked: str
    redirected: bool

    def refused(self, reason: str) -> FetchError:
        """The error for this hop: its URL and ``reason``, and where it came from."""
        return _refusal(self.url, reason, self.asked, self.redirected)


def _refusal(url: str, reason: str, asked: str, redirected: bool) -> FetchError:
    came_from = f" (redirected from {asked})" if redirected else ""
    return FetchError(f"{url}: {reason}{came_from}", asked)


class Fetcher:
    """Fetches URLs under ``settings`` (see the module docstring); thread-safe.

    ``transport`` sends the requests (the network by default), ``resolver``
    turns host names into addresses (the system's), and ``clock`` / ``sleep``
    measure and wait (``time.monotonic`` / ``time.sleep``; tests pass their own).
    Robots rules and per-host limits are kept per fetcher: share one fetcher
    among the threads that fetch for one purpose.
    """

    def __init__(
        self,
        settings: FetchSettings | None = None,
        transport: Transport | None = None,
        *,
        resolver: Resolver = system_resolver,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings or FetchSettings()
        self._transport = transport or HTTPTransport()
        self._resolver = resolver
        self._sleep = sleep
        self._hosts = HostLimits(
            self.settings.per_host_concurrency,
            self.settings.per_host_rate,
            clock=clock,
            sleep=sleep,
        )
        self._robots = RobotsCache(clock)
        self._headers = (
            ("User-Agent", self.settings.user_agent),
            ("Accept", ACCEPT),
            ("Accept-Encoding", "gzip"),
        )

    def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET ``url``; with ``etag`` / ``last_modified`` only if it changed since.

        Raises :class:`FetchError` for whatever fails or is refused.
        """
        conditional: list[tuple[str, str]] = []
        if etag:
            conditional.append(("If-None-Match", etag))
        if last_modified:
            conditional.append(("If-Modified-Since", last_modified))
        for name, value in conditional:
            if not value.isprintable():
                raise FetchError(f"{url}: the {name} value is not one line of text", url)
        limit = self.settings.max_bytes
        try:
            final, response = self._follow(
                url,
                (*self._headers, *conditional),
                attempts=self.settings.retries + 1,
                limit=limit,
                robots=self.settings.robots,
            )
            content_type, charset = _media_type(response.header("Content-Type"))
            if response.status == 304 and conditional:
                return FetchResult(
                    final.url,
                    304,
                    b"",
                    content_type,
                    charset,
                    response.header("ETag") or etag,
                    response.header("Last-Modified") or last_modified,
                )
            if response.status != 200:
                raise final.refused(f"HTTP {response.status}")
            data = _decoded(final, response, limit)
            if len(data) > limit:
                raise final.refused(f"larger than fetch.max_bytes ({limit} bytes)")
        except (OSError, http.client.HTTPException) as exc:  # a transport outside its contract
            raise FetchError(f"{url}: {type(exc).__name__}: {exc}", url) from exc
        return FetchResult(
            final.url,
            200,
            data,
            content_type,
            charset,
            response.header("ETag"),
            response.header("Last-Modified"),
        )

    def _follow(
        self,
        url: str,
        headers: tuple[tuple[str, str], ...],
        *,
        attempts: int,
        limit: int,
        robots: bool,
    ) -> tuple[_Target, Response]:
        """The first answer that is not a redirect, and the hop that gave it."""
        current = url
        for hop in range(self.settings.max_redirects + 1):
            target = _target(current, asked=url, redirected=hop > 0)
            address = self._address(target)
            if robots and not self._robots_rules(target).allows(
                target.url, self.settings.user_agent
            ):
                raise target.refused("disallowed by robots.txt")
            response = self._exchange(target, address, headers, attempts, limit)
            if response.status not in REDIRECTS:
                return target, response
            location = response.header("Location")
            if not location or not location.strip():
                raise target.refused(f"HTTP {response.status} redirect without a Location")
            current = urljoin(target.url, _header_text(location.strip()))
        raise FetchError(
            f"{url}: too many redirects (more than fetch.max_redirects, "
            f"{self.settings.max_redirects})",
            url,
        )

    def _address(self, target: _Target) -> str:
        """The address to connect to, once every address of the host has passed the guard."""
        try:
            addresses = (
                [target.host]
                if _is_ip_address(target.host)
                else list(self._resolver(target.host, target.port, self.settings.timeout))
            )
        except TimeoutError as exc:
            raise target.refused(f"timed out resolving {target.host!r}") from exc
        except OSError as exc:
            raise target.refused(f"cannot resolve {target.host!r} ({exc})") from exc
        if not addresses:
            raise target.refused(f"cannot resolve {target.host!r}")
        for address in addresses:
            try:
                check_address(address, self.settings.allow_private_urls)
            except FetchError as exc:
                raise target.refused(exc.reason) from exc
        return addresses[0]

    def _exchange(
        self,
        target: _Target,
        address: str,
        headers: tuple[tuple[str, str], ...],
        attempts: int,
        limit: int,
    ) -> Response:
        """The answer to one request, tried up to ``attempts`` times while it fails for now."""
        settings = self.settings
        request = Request(
            target.url, address, headers, settings.timeout, settings.response_timeout, limit
        )
        failure = ""
        for attempt in range(attempts):
            wait = min(settings.backoff * 2**attempt, settings.max_retry_wait)
            try:
                with self._hosts.slot(target.host):
                    response = self._transport.send(request)
            except TimeoutError as exc:
                failure = f"timed out ({_timeout_detail(exc, settings.timeout)})"
            except ssl.SSLCertVerificationError as exc:  # the same certificate next time
                reason = f"TLS certificate not accepted ({exc.verify_message})"
                raise target.refused(reason) from exc
            except (OSError, http.client.HTTPException) as exc:
                failure = f"connection failed ({type(exc).__name__}: {exc})"
            else:
                if not (response.status == 429 or 500 <= response.status < 600):
                    return response
                failure = f"HTTP {response.status}"
                asked = _retry_after(response.header("Retry-After"))
                if asked is not None and attempt + 1 < attempts:
                    if asked > settings.max_retry_wait:
                        raise target.refused(
                            f"HTTP {response.status}, and the server asks to wait {asked:g} s "
                            "before trying again (more than fetch.max_retry_wait, "
                            f"{settings.max_retry_wait:g} s)"
                        )
                    wait = max(wait, asked)
            if attempt + 1 < attempts:
                self._sleep(wait)
        tries = f" ({attempts} attempts)" if attempts > 1 else ""
        raise target.refused(f"{failure}{tries}")

    def _robots_rules(self, target: _Target) -> RobotsRules:
        return self._robots.rules(target.origin, lambda: self._load_robots(target.origin))

    def _load_robots(self, origin: str) -> tuple[RobotsRules, float]:
        """A site's robots rules and how long to keep them; an unreadable one allows for now."""
        retry_soon = min(self.settings.robots_ttl, ROBOTS_RETRY_SECONDS)
        try:
            final, response = self._follow(
                f"{origin}/robots.txt",
                self._headers,
                attempts=1,
                limit=ROBOTS_MAX_BYTES,
                robots=False,
            )
            data = _decoded(final, response, ROBOTS_MAX_BYTES)
        except FetchError:
            return ALLOW_ALL, retry_soon
        rules, lasting = rules_from_answer(response.status, data)
        return rules, self.settings.robots_ttl if lasting else retry_soon


def _target(url: str, *, asked: str, redirected: bool) -> _Target:
    """``url`` checked for what may be fetched, with an ASCII host, path and query."""
    text = url.strip()

    def refused(reason: str) -> FetchError:
        return _refusal(text, reason, asked, redirected)

    if any(not ch.isprintable() or ch.isspace() for ch in text):
        raise refused("not a URL (it holds spaces or control characters)")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise refused(f"not a valid URL ({exc})") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise refused(f"only http and https URLs can be fetched, not {scheme or 'none'!r}")
    if parts.username is not None or parts.password is not None:
        raise refused("URLs with credentials are not fetched")
    if not parts.hostname:
        raise refused("no host to fetch from")
    try:
        host = parts.hostname.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise refused(f"not a valid host name ({exc})") from exc
    netloc_host = f"[{host}]" if _is_ip_address(host) and ":" in host else host
    netloc = netloc_host if port is None else f"{netloc_host}:{port}"
    path = quote(parts.path or "/", safe=_URL_SAFE)
    query = quote(parts.query, safe=_URL_SAFE)
    return _Target(
        urlunsplit((scheme, netloc, path, query, "")),
        host,
        port or (443 if scheme == "https" else 80),
        f"{scheme}://{netloc}",
        asked,
        redirected,
    )


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _header_text(value: str) -> str:
    """A header value as sent: ``http.client`` reads headers as Latin-1, servers write UTF-8."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def _media_type(header: str | None) -> tuple[str, str | None]:
    """``Content-Type`` as its media type (lower case) and charset."""
    media, _, params = (header or "").partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"')
    return media.strip().lower(), charset


def _decoded(target: _Target, response: Response, limit: int) -> bytes:
    """The body without its content coding, at most ``limit + 1`` bytes of it."""
    coding = (response.header("Content-Encoding") or "identity").strip().lower()
    if coding in ("", "identity"):
        return response.data
    if coding in ("gzip", "x-gzip"):
        candidates = [16 + zlib.MAX_WBITS]
    elif coding == "deflate":  # meant to be zlib-wrapped, often sent raw
        candidates = [zlib.MAX_WBITS, -zlib.MAX_WBITS]
    else:
        raise target.refused(f"content coding {coding!r} is not supported")
    for wbits in candidates:
        try:
            return zlib.decompressobj(wbits).decompress(response.data, limit + 1)
        except zlib.error as exc:
            failure = exc
    raise target.refused(f"the {coding} body is corrupt ({failure})")


def _retry_after(value: str | None) -> float | None:
    """``Retry-After`` in seconds from now (it is seconds or an HTTP date), if valid."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _timeout_detail(exc: TimeoutError, step_timeout: float) -> str:
    detail = str(exc)
    if detail and detail != "timed out":
        return detail
    return f"no answer within fetch.timeout, {step_timeout:g} s"


__all__ = ["ACCEPT", "REDIRECTS", "FetchResult", "Fetcher"]
