"""Politeness per host: how many requests are in flight, and how often they start."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass(slots=True)
class _Gate:
    in_flight: threading.Semaphore
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_start: float = float("-inf")


class HostLimits:
    """Per host, at most ``concurrency`` requests at once, starting at least ``1 / rate`` s apart.

    Thread-safe: a thread takes a host's slot with ``with limits.slot(host):``
    and waits (in ``sleep``, by ``clock``) until it may start.
    """

    def __init__(
        self,
        concurrency: int,
        rate: float,
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
    ) -> None:
        self._concurrency = concurrency
        self._interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._gates: dict[str, _Gate] = {}
        self._gates_lock = threading.Lock()

    def _gate(self, host: str) -> _Gate:
        with self._gates_lock:
            gate = self._gates.get(host)
            if gate is None:
                gate = self._gates[host] = _Gate(threading.Semaphore(self._concurrency))
            return gate

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        gate = self._gate(host)
        with gate.in_flight:
            # Each start is booked under the lock and waited for outside it, so
            # waiting threads line up one interval apart instead of all at once.
            with gate.lock:
                now = self._clock()
                start = max(now, gate.next_start)
                gate.next_start = start + self._interval
            if start > now:
                self._sleep(start - now)
            yield


__all__ = ["HostLimits"]
