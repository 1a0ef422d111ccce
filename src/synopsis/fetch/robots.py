"""robots.txt: what a site lets this bot fetch, read once per site and kept a while.

What a robots.txt answer means (as Google reads them): a page of rules is
parsed with :mod:`urllib.robotparser`; 401 and 403 disallow the whole site;
any other 4xx (404 most often) means there are no rules; a 5xx, a 429 or no
answer at all allows for now but is asked again soon rather than kept for
the full time to live.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from urllib.robotparser import RobotFileParser

ROBOTS_MAX_BYTES = 500_000
"""How much of a robots.txt is read; rules past it are ignored (Google reads 500 KiB)."""

ROBOTS_RETRY_SECONDS = 60.0
"""How long an unavailable robots.txt (5xx, 429, no answer) counts as allowing everything."""


class RobotsVerdict(Enum):
    ALLOW_ALL = "allow all"
    DISALLOW_ALL = "disallow all"
    RULES = "rules"


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """One site's robots.txt, as a verdict for the whole site or parsed rules."""

    verdict: RobotsVerdict
    parser: RobotFileParser | None = None

    @classmethod
    def parse(cls, data: bytes) -> RobotsRules:
        parser = RobotFileParser()
        parser.parse(data[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace").splitlines())
        return cls(RobotsVerdict.RULES, parser)

    def allows(self, url: str, user_agent: str) -> bool:
        if self.verdict is RobotsVerdict.RULES and self.parser is not None:
            return self.parser.can_fetch(user_agent, url)
        return self.verdict is RobotsVerdict.ALLOW_ALL


ALLOW_ALL = RobotsRules(RobotsVerdict.ALLOW_ALL)
DISALLOW_ALL = RobotsRules(RobotsVerdict.DISALLOW_ALL)


def rules_from_answer(status: int, data: bytes) -> tuple[RobotsRules, bool]:
    """The rules a robots.txt answer sets, and whether they last the full time to live."""
    if status == 200:
        return RobotsRules.parse(data), True
    if status in (401, 403):
        return DISALLOW_ALL, True
    if 400 <= status < 500 and status != 429:
        return ALLOW_ALL, True
    return ALLOW_ALL, False


@dataclass(frozen=True, slots=True)
class _Entry:
    rules: RobotsRules
    expires: float


class RobotsCache:
    """Each origin's rules until they expire; thread-safe, and one load per origin at a time.

    ``rules(origin, load)`` answers the kept rules, or calls ``load`` for
    ``(rules, seconds to keep them)``; threads asking for an origin being
    loaded wait for that load instead of starting their own.
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()

    def rules(self, origin: str, load: Callable[[], tuple[RobotsRules, float]]) -> RobotsRules:
        with self._locks_lock:
            lock = self._locks.setdefault(origin, threading.Lock())
        with lock:
            entry = self._entries.get(origin)
            if entry is not None and self._clock() < entry.expires:
                return entry.rules
            rules, keep = load()
            self._entries[origin] = _Entry(rules, self._clock() + keep)
            return rules


__all__ = [
    "ALLOW_ALL",
    "DISALLOW_ALL",
    "ROBOTS_MAX_BYTES",
    "ROBOTS_RETRY_SECONDS",
    "RobotsCache",
    "RobotsRules",
    "RobotsVerdict",
    "rules_from_answer",
]
