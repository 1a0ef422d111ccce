"""Which addresses may be fetched, and how a host name becomes one.

A host is resolved once per hop and *every* address it resolves to is
checked: one private answer among public ones refuses the host, so a name
cannot smuggle an internal address past the check. The fetcher then connects
to the checked address itself, so a second DNS answer cannot point the
connection elsewhere.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Sequence

from ..errors import FetchError

Resolver = Callable[[str, int, float], Sequence[str]]
"""``(host, port, timeout) -> addresses``; raises :class:`OSError` (``TimeoutError``
when it took longer than ``timeout`` seconds) when the host has none."""


def check_address(address: str, allow_private: bool) -> None:
    """Raise :class:`FetchError` unless ``address`` may be fetched from.

    A non-public address (private, loopback, link-local, reserved, shared)
    only with ``allow_private``; multicast and unspecified ones never.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError as exc:
        raise FetchError(f"the resolver answered {address!r}, not an IP address") from exc
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_multicast or ip.is_unspecified:
        raise FetchError(f"refusing to fetch from {ip}")
    if not allow_private and not ip.is_global:
        raise FetchError(f"refusing to fetch from a non-public address ({ip})")


def system_resolver(host: str, port: int, timeout: float) -> list[str]:
    """The addresses ``getaddrinfo`` gives ``host``, waiting at most ``timeout`` seconds.

    ``getaddrinfo`` takes no timeout, so it runs in a daemon thread; one that
    takes too long is left to end on its own (the system resolver gives up
    eventually) while the fetch fails now.
    """
    answers: list[list[str]] = []
    failures: list[OSError] = []

    def lookup() -> None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            failures.append(exc)
        else:
            answers.append([str(info[4][0]) for info in infos])

    thread = threading.Thread(target=lookup, name=f"resolve {host}", daemon=True)
    thread.start()
    thread.join(timeout)
    if failures:
        raise failures[0]
    if not answers:
        raise TimeoutError(f"resolving {host!r} took longer than {timeout} s")
    return answers[0]


__all__ = ["Resolver", "check_address", "system_resolver"]
