"""Poll intervals ("90s", "15m", "1h30m", "2d") and feed lists (one URL a line)."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError
from ..readers import is_url

__all__ = ["parse_interval", "read_feed_list"]

_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])", re.IGNORECASE)
_SECONDS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_interval(text: str) -> float:
    """Seconds in ``text``: parts like ``90s``, ``15m``, ``1h30m``, ``2d``, or a bare number of
    seconds. Anything else, or zero, is a :class:`ValueError` naming what was given."""
    value = text.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", value):
        seconds = float(value)
    else:
        parts = _PART.findall(value)
        if not parts or _PART.sub("", value).strip():
            raise ValueError(f"not an interval: {text!r} (use e.g. 90s, 15m, 1h30m, 2d)")
        seconds = sum(float(number) * _SECONDS[unit.lower()] for number, unit in parts)
    if seconds <= 0:
        raise ValueError(f"an interval must be longer than zero, got {text!r}")
    return seconds


def read_feed_list(path: str | Path) -> list[str]:
    """The feed URLs of a list file: one a line; blank lines and ``#`` comments (a line
    that starts with ``#``, or `` #`` after a URL) left out.

    A line that is not an ``http(s)://`` URL is an :class:`InputError` naming
    the file and the line.
    """
    source = Path(path)
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(source), f"cannot read the feed list: {exc}") from exc
    urls: list[str] = []
    for number, line in enumerate(lines, start=1):
        entry = line.split(" #", 1)[0].strip()  # a URL may hold "#"; a comment follows a space
        if not entry or entry.startswith("#"):
            continue
        if not is_url(entry) or " " in entry:
            raise InputError(f"{source}:{number}", f"not a feed URL: {entry!r}")
        urls.append(entry)
    return urls
