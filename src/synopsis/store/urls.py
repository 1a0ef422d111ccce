"""Store URLs shown to people: the password masked wherever it would appear.

A store URL may carry a password, in its user part
(``postgresql://user:secret@host/db``) or as a ``password=`` query
parameter. Every message that names a store shows :func:`mask_password` of
its URL, and :func:`scrub` takes the password out of any text a driver
wrote (an error message may quote the connection string). This module
imports nothing of synopsis.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import unquote

__all__ = ["mask_password", "passwords", "scrub"]

_MASK: Final = "***"
_QUERY_PASSWORD: Final = re.compile(r"([?&]password=)([^&#]*)", re.IGNORECASE)


def mask_password(url: str) -> str:
    """``url`` with the password of its user part and any ``password=`` parameter as ``***``."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    netloc, slash, tail = rest.partition("/")
    userinfo, at, hostport = netloc.rpartition("@")
    if at and ":" in userinfo:
        user = userinfo.partition(":")[0]
        netloc = f"{user}:{_MASK}@{hostport}"
    tail = _QUERY_PASSWORD.sub(lambda m: m.group(1) + _MASK, tail)
    if "?" in netloc:  # a URL with no path: the query follows the host directly
        netloc = _QUERY_PASSWORD.sub(lambda m: m.group(1) + _MASK, netloc)
    return f"{scheme}://{netloc}{slash}{tail}"


def passwords(url: str) -> list[str]:
    """The passwords ``url`` carries (as written and percent-decoded), longest first."""
    _scheme, sep, rest = url.partition("://")
    if not sep:
        return []
    found: list[str] = []
    netloc = rest.partition("/")[0]
    userinfo, at, _hostport = netloc.rpartition("@")
    if at and ":" in userinfo:
        found.append(userinfo.partition(":")[2])
    found.extend(m.group(2) for m in _QUERY_PASSWORD.finditer(rest))
    found += [unquote(secret) for secret in found]
    return sorted({secret for secret in found if secret}, key=len, reverse=True)


def scrub(text: str, url: str) -> str:
    """``text`` with every password of ``url`` in it replaced by ``***``."""
    for secret in passwords(url):
        text = text.replace(secret, _MASK)
    return text
