"""Fetching an article by URL for ingest, safely.

Only ``http`` and ``https``; the host is resolved once and every address it
resolves to must be public (not private, loopback, link-local, reserved or
multicast) unless ``web.allow_private_urls`` is set; the connection then goes
to that checked address (so a second DNS answer cannot point it elsewhere),
with TLS still verified against the host name. Redirects are followed a few
times, each target checked the same way; the body is capped at
``web.max_upload_bytes`` and every step has ``web.fetch_timeout`` seconds.

Whatever is refused raises :class:`~synopsis.errors.FetchError` (an
``InputError``; re-exported here), its ``input`` the URL being fetched.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from ..config import WebSettings
from ..errors import FetchError

MAX_REDIRECTS = 3
USER_AGENT = "synopsis (+https://github.com/) article fetcher"


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str
    data: bytes
    content_type: str
    charset: str | None


def check_address(address: str, allow_private: bool) -> None:
    ip = ipaddress.ip_address(address)
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
    if not allow_private and not ip.is_global:
        raise FetchError(f"refusing to fetch from a non-public address ({ip})")
    if ip.is_multicast or ip.is_unspecified:
        raise FetchError(f"refusing to fetch from {ip}")


def resolve(host: str, port: int, allow_private: bool, timeout: float) -> str:
    """The first address of ``host``, after checking every address it resolves to."""
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(timeout)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise FetchError(f"cannot resolve {host!r}: {exc}") from exc
    finally:
        socket.setdefaulttimeout(previous)
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise FetchError(f"cannot resolve {host!r}")
    for address in addresses:
        check_address(address, allow_private)
    return addresses[0]


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a checked address, verifying the certificate for the host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address
        self._context = ssl.create_default_context()

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def fetch(url: str, settings: WebSettings) -> Fetched:
    """GET ``url`` under the rules of the module docstring."""
    current = url.strip()
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(current)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise FetchError(
                f"only http and https URLs can be fetched, not {scheme or 'none'!r}", current
            )
        if not parts.hostname:
            raise FetchError(f"{current!r} has no host", current)
        if parts.username or parts.password:
            raise FetchError("URLs with credentials are not fetched", current)
        port = parts.port or (443 if scheme == "https" else 80)
        try:
            address = resolve(
                parts.hostname, port, settings.allow_private_urls, settings.fetch_timeout
            )
        except FetchError as exc:
            raise FetchError(exc.reason, current) from exc
        kind = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
        connection = kind(parts.hostname, port, address, settings.fetch_timeout)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request("GET", target, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise FetchError(f"{current}: redirect without a location", current)
                current = urljoin(current, location)
                continue
            if response.status != 200:
                raise FetchError(f"{current}: HTTP {response.status}", current)
            data = response.read(settings.max_upload_bytes + 1)
            if len(data) > settings.max_upload_bytes:
                raise FetchError(
                    f"{current}: larger than {settings.max_upload_bytes} bytes", current
                )
            content_type = response.getheader("Content-Type", "") or ""
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(f"{current}: {type(exc).__name__}: {exc}", current) from exc
        finally:
            connection.close()
        media, _, params = content_type.partition(";")
        charset = None
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.lower() == "charset" and value:
                charset = value.strip('"')
        return Fetched(current, data, media.strip().lower(), charset)
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects", url)


__all__ = [
    "MAX_REDIRECTS",
    "USER_AGENT",
    "FetchError",
    "Fetched",
    "check_address",
    "fetch",
    "resolve",
]
